using Centrifuge.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

public class I3dEncoderTests
{
    // Carreira & Zisserman 2017, Inception-v1 inflated: the published branch widths, written out independently of
    // the library's table: [b0 1x1, b1 1x1, b1 3x3x3, b2 1x1, b2 3x3x3, b3 pool-1x1].
    private static readonly (string Name, int[] W)[] Published =
    [
        ("Mixed_3b", [64, 96, 128, 16, 32, 32]), ("Mixed_3c", [128, 128, 192, 32, 96, 64]),
        ("Mixed_4b", [192, 96, 208, 16, 48, 64]), ("Mixed_4c", [160, 112, 224, 24, 64, 64]),
        ("Mixed_4d", [128, 128, 256, 24, 64, 64]), ("Mixed_4e", [112, 144, 288, 32, 64, 64]),
        ("Mixed_4f", [256, 160, 320, 32, 128, 128]), ("Mixed_5b", [256, 160, 320, 32, 128, 128]),
        ("Mixed_5c", [384, 192, 384, 48, 128, 128]),
    ];

    // Unit3D = Conv3d without bias (cin * cout * k^3) + BatchNorm3d scale and shift (2 * cout).
    private static long Unit(long cin, long cout, long kernelVolume) => cin * cout * kernelVolume + 2 * cout;

    private static long CanonicalCount(string endpoint)
    {
        long count = Unit(3, 64, 7 * 7 * 7) + Unit(64, 64, 1) + Unit(64, 192, 27);
        long cin = 192;
        foreach ((string name, int[] w) in Published)
        {
            count += Unit(cin, w[0], 1) + Unit(cin, w[1], 1) + Unit(w[1], w[2], 27) + Unit(cin, w[3], 1) +
                     Unit(w[3], w[4], 27) + Unit(cin, w[5], 1);
            cin = w[0] + w[2] + w[4] + w[5];
            if (name == endpoint) break;
        }
        return count;
    }

    [Theory]
    [InlineData(I3dEndpoint.Mixed_3c)]
    [InlineData(I3dEndpoint.Mixed_4f)]
    [InlineData(I3dEndpoint.Mixed_5c)]
    public void Encoder_parameter_count_equals_the_canonical_count(I3dEndpoint endpoint)
    {
        using var encoder = new I3dEncoder(new ModelConfig { Endpoint = endpoint });
        Assert.Equal(CanonicalCount(endpoint.ToString()), ModelSummary.CountParameters(encoder));
    }

    [Fact]
    public void State_dict_keys_use_the_pytorch_i3d_names()
    {
        using var encoder = new I3dEncoder(new ModelConfig { Endpoint = I3dEndpoint.Mixed_3c, Width = 0.125 });
        var keys = encoder.state_dict().Keys.ToHashSet();
        foreach (string key in new[]
                 {
                     "Conv3d_1a_7x7.conv3d.weight", "Conv3d_1a_7x7.bn.weight", "Conv3d_1a_7x7.bn.running_mean",
                     "Conv3d_2b_1x1.conv3d.weight", "Conv3d_2c_3x3.bn.running_var", "Mixed_3b.b0.conv3d.weight",
                     "Mixed_3b.b1a.conv3d.weight", "Mixed_3b.b1b.conv3d.weight", "Mixed_3b.b2a.bn.bias",
                     "Mixed_3b.b2b.conv3d.weight", "Mixed_3c.b3b.conv3d.weight",
                 })
            Assert.Contains(key, keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("Mixed_4", StringComparison.Ordinal));
        Assert.Equal(new long[] { 8, 3, 7, 7, 7 }, encoder.state_dict()["Conv3d_1a_7x7.conv3d.weight"].shape);
    }

    [Fact]
    public void Endpoint_shapes_follow_same_padding_and_the_published_strides()
    {
        // 64 x 224 x 224 -> Mixed_5c at 8 x 7 x 7 in the reference; check the time/space strides on a small clip.
        var config = new ModelConfig { Width = 0.0625 };
        using var encoder = new I3dEncoder(config);
        encoder.eval();
        var shapes = new List<(string Name, long[] Shape)>();
        using (torch.no_grad())
        using (var x = torch.zeros(new long[] { 1, 3, 9, 33, 31 }))
            foreach (Tensor t in encoder.Run(x, shapes)) t.Dispose();
        var byName = shapes.ToDictionary(s => s.Name, s => s.Shape[2..]);
        Assert.Equal(new long[] { 5, 17, 16 }, byName["Conv3d_1a_7x7"]);
        Assert.Equal(new long[] { 5, 9, 8 }, byName["MaxPool3d_2a_3x3"]);
        Assert.Equal(new long[] { 5, 5, 4 }, byName["Mixed_3c"]);
        Assert.Equal(new long[] { 3, 3, 2 }, byName["Mixed_4f"]);
        Assert.Equal(new long[] { 2, 2, 1 }, byName["Mixed_5c"]);
        Assert.Equal(16, shapes.Count);
        Assert.Equal(config.Scale(384) + config.Scale(384) + config.Scale(128) + config.Scale(128), shapes[^1].Shape[1]);
    }

    [Fact]
    public void Same_padding_matches_tensorflow_output_sizes()
    {
        foreach (long k in new long[] { 1, 2, 3, 7 })
        foreach (long s in new long[] { 1, 2 })
        for (long size = 1; size <= 20; size++)
        {
            long total = SamePadding.Total(size, k, s);
            Assert.Equal((size + s - 1) / s, (size + total - k) / s + 1);
        }
    }

    [Fact]
    public void Unit3D_matches_a_double_precision_loop_with_asymmetric_same_padding()
    {
        torch.manual_seed(3);
        using var unit = new Unit3D(2, 3, [3, 3, 3], [2, 2, 2]);
        unit.eval(); // BatchNorm with fresh running stats: y = x / sqrt(1 + 1e-3)
        using var x = torch.randn(new long[] { 1, 2, 4, 5, 6 });
        using var y = unit.forward(x);
        float[] weight = unit.state_dict()["conv3d.weight"].data<float>().ToArray();
        float[] input = x.data<float>().ToArray();
        long[] inSize = [4, 5, 6];
        long[] outSize = [2, 3, 3];
        Assert.Equal(new long[] { 1, 3, 2, 3, 3 }, y.shape);
        // TF SAME: total pad = max(k - (size % s or s), 0), front = total / 2
        long[] front = inSize.Select(n => SamePadding.Total(n, 3, 2) / 2).ToArray();
        for (int o = 0; o < 3; o++)
        for (int t = 0; t < outSize[0]; t++)
        for (int h = 0; h < outSize[1]; h++)
        for (int w = 0; w < outSize[2]; w++)
        {
            double sum = 0;
            for (int c = 0; c < 2; c++)
            for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
            for (int d = 0; d < 3; d++)
            {
                long it = t * 2 + a - front[0], ih = h * 2 + b - front[1], iw = w * 2 + d - front[2];
                if (it < 0 || ih < 0 || iw < 0 || it >= inSize[0] || ih >= inSize[1] || iw >= inSize[2]) continue;
                sum += (double)weight[(((o * 2 + c) * 3 + a) * 3 + b) * 3 + d] * input[((c * inSize[0] + it) * inSize[1] + ih) * inSize[2] + iw];
            }
            double expected = Math.Max(0, sum / Math.Sqrt(1 + 1e-3));
            Assert.Equal(expected, y[0, o, t, h, w].item<float>(), 4);
        }
    }
}

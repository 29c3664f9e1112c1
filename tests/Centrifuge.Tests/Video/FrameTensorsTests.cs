using Centrifuge.Runtime;
using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Video;

public class FrameTensorsTests
{
    public FrameTensorsTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void ToTensor_matches_a_plain_loop_in_double_precision()
    {
        const int t = 2, h = 3, w = 5;
        var rgb = new byte[t * h * w * 3];
        new Random(7).NextBytes(rgb);
        using var scope = torch.NewDisposeScope();
        Tensor video = FrameTensors.ToTensor(new FrameChunk(rgb, t, h, w));   // [3, T, H, W]
        Assert.Equal(new long[] { 3, t, h, w }, video.shape);
        Assert.Equal(ScalarType.Float32, video.dtype);
        float[] values = video.data<float>().ToArray();
        for (int c = 0; c < 3; c++)
            for (int f = 0; f < t; f++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        double expected = rgb[((f * h + y) * w + x) * 3 + c] / 127.5 - 1.0;
                        Assert.Equal(expected, values[((c * t + f) * h + y) * w + x], 5);
                    }
    }

    [Fact]
    public void FromTensor_inverts_ToTensor_exactly_and_clamps_out_of_range_values()
    {
        var rgb = new byte[3 * 4 * 6 * 3];
        new Random(11).NextBytes(rgb);
        using var scope = torch.NewDisposeScope();
        FrameChunk back = FrameTensors.FromTensor(FrameTensors.ToTensor(new FrameChunk(rgb, 3, 4, 6)));
        Assert.Equal((3, 4, 6), (back.Frames, back.Height, back.Width));
        Assert.Equal(rgb, back.Rgb);

        Tensor extreme = torch.tensor(new float[] { -3f, 2f, 0f }).reshape(3, 1, 1, 1);   // R, G, B of one pixel
        Assert.Equal(new byte[] { 0, 255, 128 }, FrameTensors.FromTensor(extreme).Rgb);
    }

    [Fact]
    public void FromTensor_rejects_a_tensor_that_is_not_three_channel_video()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => FrameTensors.FromTensor(torch.zeros(4, 2, 2, 2)));
    }
}

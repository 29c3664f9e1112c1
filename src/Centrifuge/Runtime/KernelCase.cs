using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Runtime;

/// <summary>
/// One operation of the models at one shape, checked by <see cref="KernelCheck"/>: its inputs (the data first, then
/// weights) and the operation itself. Inputs are drawn N(0, scale²), weights with 1/sqrt(fan-in), so outputs stay
/// O(1) like a trained network's activations.
/// </summary>
/// <param name="Name">Says the op, the channels and the shape, and which preset it stands for.</param>
/// <param name="Op">The op family, e.g. "conv3d" (a fault can target a family).</param>
/// <param name="Inputs">Shapes of the inputs; every input is differentiated.</param>
/// <param name="Apply">The op on inputs of any float dtype (float64 for the reference).</param>
/// <param name="SmallestChannels">The smallest channel count among the op's inputs and outputs (a fault can target small ones).</param>
/// <param name="Bf16">Whether the op also runs in bfloat16 in the models (bf16 inference and training).</param>
/// <param name="Scales">Standard deviation of each input (default 1): weights get 1/sqrt(fan-in).</param>
public sealed record KernelCase(
    string Name, string Op, long[][] Inputs, Func<Tensor[], Tensor> Apply, long SmallestChannels, bool Bf16 = true, double[]? Scales = null)
{
    /// <summary>The standard deviation input <paramref name="i"/> is drawn with.</summary>
    public double Scale(int i) => Scales is { } s && i < s.Length ? s[i] : 1.0;

    /// <summary>A deterministic seed from the name, so each case draws the same inputs on every run.</summary>
    public long Seed => Name.Aggregate(1469598103L, (h, c) => unchecked((h ^ c) * 1099511628211L)) & 0x7fffffff;
}

/// <summary>
/// The cases the self-check runs: every kind of operation the models and the data pipeline compute, at the channel
/// counts of the presets (tiny 4..64, cpu-small 3/6/24..256, cpu-small-2d, paper 3/12/64..832), including the small
/// counts (3, 4, 6, 8) whose AVX-512 kernels were seen wrong on AMD Zen 5 (issue 27), at batch 1 and 2 (libtorch
/// picks oneDNN or its own kernel by batch and size). Spatial sizes are small so the whole list runs in about a second.
/// </summary>
public static class KernelCases
{
    public static IReadOnlyList<KernelCase> All { get; } = Build();

    private static IReadOnlyList<KernelCase> Build()
    {
        var cases = new List<KernelCase>
        {
            // I3D stems, Conv3d_1a_7x7 (stride 2): tiny 3->4, cpu-small 3->24, paper 3->64
            Conv3d("stem tiny", 2, 3, 4, [6, 12, 12], 7, 2, 3),
            Conv3d("stem cpu-small", 2, 3, 24, [8, 16, 16], 7, 2, 3),
            Conv3d("stem cpu-small batch 1", 1, 3, 24, [8, 24, 24], 7, 2, 3),
            Conv3d("stem paper", 1, 3, 64, [8, 16, 16], 7, 2, 3),
            // 3x3x3 convolutions at small and middle channel counts (the table) and Inception branches
            Conv3d("3x3x3 3->4", 2, 3, 4, [4, 6, 6], 3, 1, 1),
            Conv3d("3x3x3 3->8", 2, 3, 8, [4, 16, 16], 3, 1, 1),
            Conv3d("3x3x3 6->6", 2, 6, 6, [4, 12, 12], 3, 1, 1),
            Conv3d("3x3x3 5->7", 2, 5, 7, [4, 10, 10], 3, 1, 1),
            Conv3d("3x3x3 12->12", 2, 12, 12, [4, 8, 8], 3, 1, 1),
            Conv3d("3x3x3 8->8", 2, 8, 8, [4, 16, 16], 3, 1, 1),
            Conv3d("3x3x3 4->8 batch 1", 1, 4, 8, [4, 8, 8], 3, 1, 1),
            Conv3d("3x3x3 16->16", 2, 16, 16, [4, 12, 12], 3, 1, 1),
            Conv3d("3x3x3 24->72 (cpu-small Conv3d_2c)", 2, 24, 72, [4, 8, 8], 3, 1, 1),
            Conv3d("3x3x3 64->64", 1, 64, 64, [4, 8, 8], 3, 1, 1),
            Conv3d("3x3x3 96->208 (paper Mixed_4b)", 1, 96, 208, [2, 3, 3], 3, 1, 1),
            // 1x1x1 convolutions: Inception reductions and the decoder's output (3 x n layers: 6, 12)
            Conv3d("1x1x1 24->24", 2, 24, 24, [4, 8, 8], 1, 1, 0),
            Conv3d("1x1x1 4->4 (tiny)", 2, 4, 4, [4, 8, 8], 1, 1, 0),
            Conv3d("1x1x1 32->6 (cpu-small output)", 2, 32, 6, [4, 16, 16], 1, 1, 0, bias: true),
            Conv3d("1x1x1 64->6 (tiny output)", 2, 64, 6, [4, 8, 8], 1, 1, 0, bias: true),
            Conv3d("1x1x1 64->12 (paper output)", 1, 64, 12, [4, 8, 8], 1, 1, 0, bias: true),
            Conv3d("1x1x1 832->384 (paper Mixed_5c)", 1, 832, 384, [2, 2, 2], 1, 1, 0),
            // 3x3x3 decoder convolutions over the concatenated skips
            Conv3d("3x3x3 96->32 (cpu-small decoder)", 2, 96, 32, [2, 6, 6], 3, 1, 1),
            Conv3d("1x1x1 256->1024 (cpu-small sub-pixel up)", 2, 256, 1024, [1, 2, 2], 1, 1, 0),
            Conv3d("3x3x3 9->64 (corrector input)", 1, 9, 64, [4, 8, 8], 3, 1, 1),
            // temporal mixing of the 2D encoder: (3,1,1)
            Conv3dAnisotropic("(3,1,1) 24->24 (cpu-small-2d temporal)", 2, 24, 24, [4, 8, 8], [3, 1, 1], [1, 1, 1], [1, 0, 0]),
            Conv3dAnisotropic("(1,3,3) stride (1,2,2) 8->8", 2, 8, 8, [4, 8, 8], [1, 3, 3], [1, 2, 2], [0, 1, 1]),
            // the decoder's up-convolutions (transposed), small and large
            ConvTranspose3d("up (2,2,2) 64->32", 2, 64, 32, [2, 4, 4], [2, 2, 2], [2, 2, 2], [0, 0, 0], [0, 0, 0]),
            ConvTranspose3d("up (1,2,2) 8->6", 2, 8, 6, [2, 4, 4], [1, 2, 2], [1, 2, 2], [0, 0, 0], [0, 0, 0]),
            ConvTranspose3d("up (4,4,4) 64->32", 1, 64, 32, [1, 2, 2], [4, 4, 4], [2, 2, 2], [1, 1, 1], [0, 0, 0]),
            ConvTranspose3d("up k3 stride 2 16->8", 2, 16, 8, [2, 4, 4], [3, 3, 3], [2, 2, 2], [1, 1, 1], [1, 1, 1]),
            // the 2D encoder (cpu-small-2d) and the data pipeline's separable blur (depthwise, 3 groups)
            Conv2d("2d stem 3->24 (cpu-small-2d)", 4, 3, 24, [24, 24], 7, 2, 3, groups: 1),
            Conv2d("2d 3x3 24->24", 4, 24, 24, [12, 12], 3, 1, 1, groups: 1),
            Conv2d("2d 1x1 24->8", 4, 24, 8, [12, 12], 1, 1, 0, groups: 1),
            Conv2d("2d depthwise blur 3 groups", 4, 3, 3, [16, 16], 5, 1, 2, groups: 3, bf16: false),
            // pooling, batch norm (training statistics), up-sampling and warping
            new("max_pool3d (1,3,3) stride (1,2,2)", "max_pool3d", [[2, 8, 4, 9, 9]],
                x => nn.functional.max_pool3d(x[0], [1, 3, 3], [1, 2, 2]), 8),
            new("max_pool3d (3,3,3) stride 2", "max_pool3d", [[2, 6, 5, 9, 9]],
                x => nn.functional.max_pool3d(x[0], [3, 3, 3], [2, 2, 2]), 6),
            new("batch_norm3d 6 channels, training", "batch_norm", [[2, 6, 4, 6, 6], [6], [6]],
                x => nn.functional.batch_norm(x[0], null, null, x[1], x[2], true, 0.1, 1e-3), 6),
            new("batch_norm3d 24 channels, training", "batch_norm", [[2, 24, 4, 6, 6], [24], [24]],
                x => nn.functional.batch_norm(x[0], null, null, x[1], x[2], true, 0.1, 1e-3), 24),
            new("interpolate trilinear x2", "interpolate", [[2, 8, 2, 4, 4]],
                x => nn.functional.interpolate(x[0], size: [4, 8, 8], mode: InterpolationMode.Trilinear, align_corners: false), 8),
            new("interpolate nearest x2", "interpolate", [[2, 6, 2, 4, 4]],
                x => nn.functional.interpolate(x[0], size: [4, 8, 8], mode: InterpolationMode.Nearest), 6),
            new("grid_sample bilinear (camera motion)", "grid_sample", [[2, 3, 12, 12]], GridSample, 3, Bf16: false),
        };
        return cases;
    }

    private static KernelCase Conv3d(string name, long batch, long cin, long cout, long[] thw, long k, long stride, long pad, bool bias = false) =>
        Conv3dAnisotropic(name, batch, cin, cout, thw, [k, k, k], [stride, stride, stride], [pad, pad, pad], bias);

    private static KernelCase Conv3dAnisotropic(string name, long batch, long cin, long cout, long[] thw, long[] k, long[] stride,
        long[] pad, bool bias = false)
    {
        double scale = 1 / Math.Sqrt(cin * k[0] * k[1] * k[2]);
        long[][] shapes = bias
            ? [[batch, cin, .. thw], [cout, cin, .. k], [cout]]
            : [[batch, cin, .. thw], [cout, cin, .. k]];
        return new KernelCase($"conv3d {name}", "conv3d", shapes,
            x => nn.functional.conv3d(x[0], x[1], bias ? x[2] : null, strides: stride, padding: pad), Math.Min(cin, cout), Scales: [1, scale, 1]);
    }

    private static KernelCase ConvTranspose3d(string name, long batch, long cin, long cout, long[] thw, long[] k, long[] stride,
        long[] pad, long[] outputPad)
    {
        double scale = 1 / Math.Sqrt(cin * k[0] * k[1] * k[2] / (double)(stride[0] * stride[1] * stride[2]));
        return new KernelCase($"conv_transpose3d {name}", "conv_transpose3d", [[batch, cin, .. thw], [cin, cout, .. k]],
            x => nn.functional.conv_transpose3d(x[0], x[1], null, strides: stride, padding: pad, output_padding: outputPad),
            Math.Min(cin, cout), Scales: [1, scale]);
    }

    private static KernelCase Conv2d(string name, long batch, long cin, long cout, long[] hw, long k, long stride, long pad, long groups,
        bool bf16 = true)
    {
        double scale = 1 / Math.Sqrt(cin / groups * k * k);
        return new KernelCase($"conv2d {name}", "conv2d", [[batch, cin, .. hw], [cout, cin / groups, k, k]],
            x => nn.functional.conv2d(x[0], x[1], null, strides: [stride, stride], padding: [pad, pad], groups: groups),
            Math.Min(cin, cout), bf16, [1, scale]);
    }

    // A fixed rotation-and-zoom grid (as CameraMotion draws) applied to the input.
    private static Tensor GridSample(Tensor[] x)
    {
        Tensor input = x[0];
        double r = 0.3;
        var theta = torch.tensor(new[] { 0.8 * Math.Cos(r), -0.8 * Math.Sin(r), 0.1, 0.8 * Math.Sin(r), 0.8 * Math.Cos(r), -0.05 },
            new long[] { 1, 2, 3 }, dtype: input.dtype).expand(input.shape[0], 2, 3);
        Tensor grid = nn.functional.affine_grid(theta, input.shape, align_corners: false);
        return nn.functional.grid_sample(input, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
    }
}

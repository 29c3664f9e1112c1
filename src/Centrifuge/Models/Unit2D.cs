using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// The 2D unit of <see cref="FrameEncoder"/>: Conv2d (no bias, padding k/2, so a stride-s output is ceil(size/s)) +
/// BatchNorm2d (eps 1e-3, as <see cref="Unit3D"/>) + ReLU unless it feeds a residual sum.
/// </summary>
public sealed class Unit2D : Module<Tensor, Tensor>, IOnnxLayer, IMacCounted
{
    private readonly Conv2d conv2d;
    private readonly LiveBatchNorm bn;
    private readonly long _inChannels;

    public long OutChannels { get; }
    public long Kernel { get; }
    public long Stride { get; }
    public bool Relu { get; }

    public Unit2D(long inChannels, long outChannels, long kernel, long stride = 1, bool relu = true, double momentum = 0.01)
        : base(nameof(Unit2D))
    {
        _inChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Relu = relu;
        conv2d = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, bias: false);
        bn = new LiveBatchNorm(outChannels, rank: 4, eps: 1e-3, momentum: momentum);
        RegisterComponents();
    }

    // [N, Cin, H, W] -> [N, Cout, ceil(H/s), ceil(W/s)]
    public override Tensor forward(Tensor x)
    {
        using Tensor convolved = conv2d.forward(x);
        Tensor normalised = bn.forward(convolved);
        if (!Relu) return normalised;
        using (normalised) return nn.functional.relu(normalised);
    }

    public double Macs(Tensor input, Tensor output) => (double)output.numel() * _inChannels * Kernel * Kernel;

    // On the unfolded video [B, C, T, H, W]: a Conv with kernel (1, k, k) (the weight gets a time axis of size 1) and
    // symmetric pads k/2, as TorchSharp's, + BatchNormalization (+ Relu). Divides d's H and W by the stride.
    public string ToOnnx(OnnxGraph g, string x, long[] d, string path)
    {
        (long k, long s, long p) = (Kernel, Stride, Kernel / 2);
        using Tensor weight = conv2d.weight!.unsqueeze(2);   // [Cout, Cin, k, k] -> [Cout, Cin, 1, k, k]
        string conv = g.Node("Conv", $"{path}.conv2d", [x, g.Weight($"{path}.conv2d.weight", weight)],
            OnnxGraph.Ints("kernel_shape", [1, k, k]), OnnxGraph.Ints("strides", [1, s, s]),
            OnnxGraph.Ints("pads", [0, p, p, 0, p, p]));
        OnnxGraph.Divide(d, [1, s, s], path);
        string normalised = g.BatchNorm(bn, conv, $"{path}.bn");
        return Relu ? g.Node("Relu", $"{path}.relu", [normalised]) : normalised;
    }
}

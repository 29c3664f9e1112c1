using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// The 2D unit of <see cref="FrameEncoder"/>: Conv2d (no bias, padding k/2, so a stride-s output is ceil(size/s)) +
/// BatchNorm2d (eps 1e-3, as <see cref="Unit3D"/>) + ReLU unless it feeds a residual sum.
/// </summary>
public sealed class Unit2D : Module<Tensor, Tensor>
{
    private readonly Conv2d conv2d;
    private readonly BatchNorm2d bn;
    private readonly long _inChannels;

    public long OutChannels { get; }
    public long Kernel { get; }
    public long Stride { get; }
    public bool Relu { get; }

    // Read-only views of the structure, for exporters.
    public Conv2d Convolution => conv2d;
    public BatchNorm2d Norm => bn;

    public Unit2D(long inChannels, long outChannels, long kernel, long stride = 1, bool relu = true, double momentum = 0.01)
        : base(nameof(Unit2D))
    {
        _inChannels = inChannels;
        OutChannels = outChannels;
        Kernel = kernel;
        Stride = stride;
        Relu = relu;
        conv2d = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, bias: false);
        bn = nn.BatchNorm2d(outChannels, eps: 1e-3, momentum: momentum);
        RegisterComponents();
    }

    // [N, Cin, H, W] -> [N, Cout, ceil(H/s), ceil(W/s)]
    public override Tensor forward(Tensor x)
    {
        using Tensor convolved = conv2d.forward(x);
        MacCounter.Add((double)convolved.numel() * _inChannels * Kernel * Kernel);
        Tensor normalised = bn.forward(convolved);
        if (!Relu) return normalised;
        using (normalised) return nn.functional.relu(normalised);
    }
}

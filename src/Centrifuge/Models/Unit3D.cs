using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// I3D's unit: Conv3d (no bias) + BatchNorm3d (eps 1e-3) + ReLU, with TensorFlow "SAME" padding computed from the
/// input size (asymmetric when needed) and applied with F.pad before a padding-0 convolution, as the reference does.
/// Submodule names (conv3d, bn) match the PyTorch I3D port, so state dict keys do too.
/// </summary>
public sealed class Unit3D : Module<Tensor, Tensor>, IOnnxLayer, IMacCounted
{
    private readonly Conv3d conv3d;
    private readonly LiveBatchNorm bn;
    private readonly long[] _kernel;
    private readonly long[] _stride;
    private readonly long _inChannels;

    public long OutChannels { get; }

    public Unit3D(long inChannels, long outChannels, long[] kernel, long[]? stride = null, double momentum = 0.01)
        : base(nameof(Unit3D))
    {
        _kernel = kernel;
        _stride = stride ?? [1, 1, 1];
        _inChannels = inChannels;
        OutChannels = outChannels;
        conv3d = nn.Conv3d(inChannels, outChannels, (kernel[0], kernel[1], kernel[2]),
            stride: (_stride[0], _stride[1], _stride[2]), padding: (0, 0, 0), bias: false);
        bn = new LiveBatchNorm(outChannels, rank: 5, eps: 1e-3, momentum: momentum);
        RegisterComponents();
    }

    public Unit3D(long inChannels, long outChannels, long kernel, long stride = 1, double momentum = 0.01)
        : this(inChannels, outChannels, [kernel, kernel, kernel], [stride, stride, stride], momentum) { }

    // [B, Cin, T, H, W] -> [B, Cout, ceil(T/st), ceil(H/sh), ceil(W/sw)]
    public override Tensor forward(Tensor x)
    {
        long[] pad = SamePadding.For(x.shape.AsSpan(2), _kernel, _stride);
        using Tensor padded = pad.Any(p => p != 0) ? nn.functional.pad(x, pad) : x.alias();
        using Tensor convolved = conv3d.forward(padded);
        using Tensor normalised = bn.forward(convolved);
        return nn.functional.relu(normalised);
    }

    public double Macs(Tensor input, Tensor output) => (double)output.numel() * _inChannels * _kernel[0] * _kernel[1] * _kernel[2];

    // Conv with SAME padding as constant pads (the graph's sizes are multiples of the strides) + BatchNormalization + Relu.
    public string ToOnnx(OnnxGraph g, string x, long[] d, string path)
    {
        long[] pads = SamePadding.OnnxPads(_kernel, _stride, d, path);
        string conv = g.Node("Conv", $"{path}.conv3d", [x, g.Weight($"{path}.conv3d.weight", conv3d.weight!)],
            OnnxGraph.Ints("kernel_shape", _kernel), OnnxGraph.Ints("strides", _stride), OnnxGraph.Ints("pads", pads));
        return g.Node("Relu", $"{path}.relu", [g.BatchNorm(bn, conv, $"{path}.bn")]);
    }
}

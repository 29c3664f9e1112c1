using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// I3D's max-pool with TensorFlow "SAME" padding. The padding value is 0, as in the PyTorch port: every I3D pool
/// follows a ReLU, so its inputs are >= 0 and a 0 pad gives exactly TensorFlow's result (which ignores padded cells).
/// </summary>
public sealed class MaxPool3dSame : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly long[] _kernel;
    private readonly long[] _stride;

    public MaxPool3dSame(long[] kernel, long[] stride) : base(nameof(MaxPool3dSame))
    {
        _kernel = kernel;
        _stride = stride;
    }

    // [B, C, T, H, W] (>= 0) -> [B, C, ceil(T/st), ceil(H/sh), ceil(W/sw)]
    public override Tensor forward(Tensor x)
    {
        long[] pad = SamePadding.For(x.shape.AsSpan(2), _kernel, _stride);
        using Tensor padded = pad.Any(p => p != 0) ? nn.functional.pad(x, pad) : x.alias();
        return nn.functional.max_pool3d(padded, _kernel, _stride);
    }

    // MaxPool with constant pads. ONNX's padding ignores padded cells where this pads with 0: the same result, as the
    // inputs are >= 0.
    public string ToOnnx(OnnxGraph g, string x, long[] d, string path) =>
        g.Node("MaxPool", path, [x], OnnxGraph.Ints("kernel_shape", _kernel), OnnxGraph.Ints("strides", _stride),
            OnnxGraph.Ints("pads", SamePadding.OnnxPads(_kernel, _stride, d, path)));
}

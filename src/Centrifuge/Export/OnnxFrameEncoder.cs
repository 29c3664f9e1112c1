using Centrifuge.Models;
using static TorchSharp.torch;

namespace Centrifuge.Export;

/// <summary>
/// The ONNX form of <see cref="FrameEncoder"/> for <see cref="OnnxExporter"/>. A 2D convolution applied to every frame
/// alone is, on the unfolded [B, C, T, H, W] tensor, a 3D Conv with a 1 x k x k kernel (the weight gets a time axis of
/// size 1), so no fold into the batch is needed in the graph; BatchNorm2d is the same BatchNormalization per channel.
/// The temporal mixing is a Conv of kernel (3, 1, 1), its time-halving shortcut a Slice with step 2. All padding is
/// symmetric (k/2), as in TorchSharp, so it does not depend on the input size.
/// </summary>
internal static class OnnxFrameEncoder
{
    /// <summary>Every stage's output with the size multiples it keeps (T, H, W), shallow to deep.</summary>
    public static List<(string Value, long[] Divisors)> Stages(OnnxGraph g, FrameEncoder encoder, string x, long[] divisors, string path)
    {
        var stages = new List<(string Value, long[] Divisors)>();
        var d = (long[])divisors.Clone();
        string current = x;
        foreach ((string name, FrameStage stage) in encoder.Stages)
        {
            string p = $"{path}.{name}";
            current = stage.Spatial switch
            {
                Unit2D unit => Unit(g, unit, current, d, $"{p}.spatial"),
                FrameBottleneck block => Bottleneck(g, block, current, d, $"{p}.spatial"),
                _ => throw new NotSupportedException($"{p}: no ONNX form for {stage.Spatial.GetType().Name}"),
            };
            current = Temporal(g, stage.Temporal, current, d, $"{p}.temporal");
            stages.Add((current, (long[])d.Clone()));
        }
        return stages;
    }

    // Conv2d per frame = Conv with kernel (1, k, k), + BatchNormalization (+ Relu). Divides d's H and W by the stride.
    private static string Unit(OnnxGraph g, Unit2D unit, string x, long[] d, string path)
    {
        (long k, long s, long p) = (unit.Kernel, unit.Stride, unit.Kernel / 2);
        using Tensor weight = unit.Convolution.weight!.unsqueeze(2);   // [Cout, Cin, k, k] -> [Cout, Cin, 1, k, k]
        string conv = g.Node("Conv", $"{path}.conv2d", [x, g.Weight($"{path}.conv2d.weight", weight)],
            OnnxGraph.Ints("kernel_shape", [1, k, k]), OnnxGraph.Ints("strides", [1, s, s]),
            OnnxGraph.Ints("pads", [0, p, p, 0, p, p]));
        Divide(d, [1, s, s], path);
        string normalised = OnnxExporter.Norm(g, unit.Norm, conv, $"{path}.bn");
        return unit.Relu ? g.Node("Relu", $"{path}.relu", [normalised]) : normalised;
    }

    // relu(expand(spatial(reduce(x))) + shortcut(x)), the shortcut a strided 1x1 projection or the identity.
    private static string Bottleneck(OnnxGraph g, FrameBottleneck block, string x, long[] d, string path)
    {
        var shortcutDivisors = (long[])d.Clone();
        string branch = x;
        foreach ((Unit2D unit, string name) in block.Branch.Zip(["reduce", "spatial", "expand"]))
            branch = Unit(g, unit, branch, d, $"{path}.{name}");
        string identity = block.Shortcut is null ? x : Unit(g, block.Shortcut, x, shortcutDivisors, $"{path}.shortcut");
        return g.Node("Relu", $"{path}.relu", [g.Node("Add", $"{path}.sum", [branch, identity])]);
    }

    // relu(bn(Conv (3, 1, 1), time stride st) + every st-th frame of x). Divides d's T by the stride.
    private static string Temporal(OnnxGraph g, TemporalMixing mixing, string x, long[] d, string path)
    {
        long st = mixing.TimeStride;
        string conv = g.Node("Conv", $"{path}.conv3d", [x, g.Weight($"{path}.conv3d.weight", mixing.Convolution.weight!)],
            OnnxGraph.Ints("kernel_shape", [3, 1, 1]), OnnxGraph.Ints("strides", [st, 1, 1]),
            OnnxGraph.Ints("pads", [1, 0, 0, 1, 0, 0]));
        string mixed = OnnxExporter.Norm(g, mixing.Norm, conv, $"{path}.bn");
        string identity = st == 1
            ? x
            : g.Node("Slice", $"{path}.every_{st}th_frame", [x, g.Longs($"{path}.start", 0), g.Longs($"{path}.end", long.MaxValue),
                g.Longs($"{path}.axis", 2), g.Longs($"{path}.step", st)]);
        Divide(d, [st, 1, 1], path);
        return g.Node("Relu", $"{path}.relu", [g.Node("Add", $"{path}.sum", [mixed, identity])]);
    }

    // The sizes stay multiples of d / stride only if the stride divides d (the input is padded so that it does).
    private static void Divide(long[] d, long[] stride, string path)
    {
        for (int i = 0; i < 3; i++)
        {
            if (d[i] % stride[i] != 0)
                throw new InvalidOperationException($"{path}: stride {stride[i]} does not divide the guaranteed size multiple {d[i]}");
            d[i] /= stride[i];
        }
    }
}

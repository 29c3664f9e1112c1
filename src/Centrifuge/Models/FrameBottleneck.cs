using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// A ResNet bottleneck block on frames (He et al. 2016, the stride on the 3x3 as in ResNet v1.5): 1x1 to half the
/// output width, 3x3 with the block's stride, 1x1 to the output width, added to the input (through a strided 1x1
/// projection when the width or size changes), then ReLU. [N, Cin, H, W] -> [N, Cout, ceil(H/s), ceil(W/s)].
/// </summary>
public sealed class FrameBottleneck : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Unit2D reduce;
    private readonly Unit2D spatial;
    private readonly Unit2D expand;
    private readonly Unit2D? shortcut;

    public long OutChannels { get; }

    public FrameBottleneck(long inChannels, long outChannels, long stride, double momentum) : base(nameof(FrameBottleneck))
    {
        long mid = Math.Max(2, outChannels / 2);
        reduce = new Unit2D(inChannels, mid, 1, momentum: momentum);
        spatial = new Unit2D(mid, mid, 3, stride, momentum: momentum);
        expand = new Unit2D(mid, outChannels, 1, relu: false, momentum: momentum);
        shortcut = inChannels != outChannels || stride != 1
            ? new Unit2D(inChannels, outChannels, 1, stride, relu: false, momentum: momentum)
            : null;
        OutChannels = outChannels;
        RegisterComponents();
    }

    // [N, Cin, H, W] -> [N, Cout, ceil(H/s), ceil(W/s)]
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor branch = expand.call(spatial.call(reduce.call(x)));
        Tensor identity = shortcut is null ? x : shortcut.call(x);
        return nn.functional.relu(branch.Plus(identity)).MoveToOuterDisposeScope();
    }

    // Relu(Add(branch, shortcut)), the shortcut a strided 1x1 projection or the input itself.
    public string ToOnnx(OnnxGraph g, string x, long[] d, string path)
    {
        var shortcutDivisors = (long[])d.Clone();
        string branch = x;
        foreach ((Unit2D unit, string name) in new[] { reduce, spatial, expand }.Zip(new[] { "reduce", "spatial", "expand" }))
            branch = unit.ToOnnx(g, branch, d, $"{path}.{name}");
        string identity = shortcut is null ? x : shortcut.ToOnnx(g, x, shortcutDivisors, $"{path}.shortcut");
        return g.Node("Relu", $"{path}.relu", [g.Node("Add", $"{path}.sum", [branch, identity])]);
    }
}

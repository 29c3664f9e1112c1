using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// The six branch widths of one Inception module, as published: 1x1 | 1x1 -> 3x3x3 | 1x1 -> 3x3x3 | pool -> 1x1.
/// </summary>
public sealed record InceptionWidths(int B0, int B1a, int B1b, int B2a, int B2b, int B3b)
{
    public int Output => B0 + B1b + B2b + B3b;

    public InceptionWidths Scaled(ModelConfig config) =>
        new(config.Scale(B0), config.Scale(B1a), config.Scale(B1b), config.Scale(B2a), config.Scale(B2b), config.Scale(B3b));
}

/// <summary>
/// I3D's inflated Inception module: four branches concatenated on channels. Field names (b0, b1a, b1b, b2a, b2b, b3a,
/// b3b) match the PyTorch I3D port.
/// </summary>
public sealed class InceptionModule : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Unit3D b0;
    private readonly Unit3D b1a;
    private readonly Unit3D b1b;
    private readonly Unit3D b2a;
    private readonly Unit3D b2b;
    private readonly MaxPool3dSame b3a;
    private readonly Unit3D b3b;

    public long OutChannels { get; }

    public InceptionModule(long inChannels, InceptionWidths w, double momentum) : base(nameof(InceptionModule))
    {
        b0 = new Unit3D(inChannels, w.B0, 1, momentum: momentum);
        b1a = new Unit3D(inChannels, w.B1a, 1, momentum: momentum);
        b1b = new Unit3D(w.B1a, w.B1b, 3, momentum: momentum);
        b2a = new Unit3D(inChannels, w.B2a, 1, momentum: momentum);
        b2b = new Unit3D(w.B2a, w.B2b, 3, momentum: momentum);
        b3a = new MaxPool3dSame([3, 3, 3], [1, 1, 1]);
        b3b = new Unit3D(inChannels, w.B3b, 1, momentum: momentum);
        OutChannels = w.Output;
        RegisterComponents();
    }

    // [B, Cin, T, H, W] -> [B, B0 + B1b + B2b + B3b, T, H, W]
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor branch0 = b0.call(x);
        Tensor branch1 = b1b.call(b1a.call(x));
        Tensor branch2 = b2b.call(b2a.call(x));
        Tensor branch3 = b3b.call(b3a.call(x));
        return torch.cat([branch0, branch1, branch2, branch3], 1).MoveToOuterDisposeScope();
    }

    // The four branches, each a chain of layers, concatenated on channels (stride 1: d is unchanged).
    public string ToOnnx(OnnxGraph g, string x, long[] d, string path)
    {
        (string Name, IOnnxLayer Layer)[][] branches =
            [[("b0", b0)], [("b1a", b1a), ("b1b", b1b)], [("b2a", b2a), ("b2b", b2b)], [("b3a", b3a), ("b3b", b3b)]];
        var outputs = new List<string>();
        foreach ((string Name, IOnnxLayer Layer)[] branch in branches)
        {
            string current = x;
            foreach ((string name, IOnnxLayer layer) in branch) current = layer.ToOnnx(g, current, d, $"{path}.{name}");
            outputs.Add(current);
        }
        return g.Node("Concat", $"{path}.concat", outputs, OnnxGraph.Int("axis", 1));
    }
}

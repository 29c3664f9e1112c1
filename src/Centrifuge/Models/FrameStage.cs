using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// One resolution stage of <see cref="FrameEncoder"/>: a 2D module run on every frame alone (frames folded into the
/// batch), then <see cref="TemporalMixing"/> across frames. Submodules "spatial" and "temporal".
/// </summary>
public sealed class FrameStage : Module<Tensor, Tensor>, IOnnxLayer
{
    private readonly Module<Tensor, Tensor> spatial;
    private readonly TemporalMixing temporal;

    public long OutChannels { get; }

    /// <summary>The temporal mixing after the 2D part (<see cref="Frames"/>).</summary>
    public TemporalMixing Temporal => temporal;

    public FrameStage(Module<Tensor, Tensor> spatial, long outChannels, long timeStride, double momentum) : base(nameof(FrameStage))
    {
        this.spatial = spatial;
        temporal = new TemporalMixing(outChannels, timeStride, momentum);
        OutChannels = outChannels;
        RegisterComponents();
    }

    // [B, Cin, T, H, W] -> [B, Cout, ceil(T/st), ceil(H/ss), ceil(W/ss)]
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return temporal.call(Frames(x)).MoveToOuterDisposeScope();
    }

    // The 2D part needs no fold into the batch in the graph: its layers are 1 x k x k Convs on the unfolded video.
    public string ToOnnx(OnnxGraph g, string x, long[] d, string path) =>
        temporal.ToOnnx(g, ((IOnnxLayer)spatial).ToOnnx(g, x, d, $"{path}.spatial"), d, $"{path}.temporal");

    /// <summary>
    /// The 2D part alone: every frame separately, [B, Cin, T, H, W] -> [B, Cout, T, ceil(H/ss), ceil(W/ss)] (a
    /// permuted view; no frame sees another).
    /// </summary>
    public Tensor Frames(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], t = x.shape[2];
        Tensor folded = x.permute(0, 2, 1, 3, 4).reshape(b * t, x.shape[1], x.shape[3], x.shape[4]);   // [B*T, Cin, H, W]
        Tensor y = spatial.call(folded);                                                                // [B*T, Cout, H', W']
        return y.view(b, t, y.shape[1], y.shape[2], y.shape[3]).permute(0, 2, 1, 3, 4).MoveToOuterDisposeScope();
    }
}

using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// The per-frame 2D encoder with temporal mixing (issue 17), the alternative to <see cref="I3dEncoder"/> selected by
/// <see cref="ModelConfig.Encoder"/> = frame2d: frames folded into the batch ([B, C, T, H, W] -> [B*T, C, H, W]) run
/// through 2D ResNet-like stages (a 7x7 stride-2 stem, then one <see cref="FrameBottleneck"/> of stride 2 per stage),
/// each followed by a residual <see cref="TemporalMixing"/> that mixes neighbouring frames and halves time where I3D
/// does. Its stages are I3D's to the same endpoint — strides (time, space) (2,2) (1,2) (1,2) (2,2) (2,2), widths
/// I3D's stage widths at the same <see cref="ModelConfig.Width"/> — so the U-Net decoder, its skips and the input
/// padding are the I3D model's, unchanged. State dict keys read e.g. <c>Stage_3.spatial.reduce.conv2d.weight</c>,
/// <c>Stage_3.temporal.conv3d.weight</c>.
/// </summary>
public sealed class FrameEncoder : StageEncoder
{
    /// <summary>
    /// Stage widths at width 1.0: I3D's at Conv3d_1a_7x7, Conv3d_2c_3x3, Mixed_3c, Mixed_4f and Mixed_5c, so the
    /// decoder's skips have the same widths whichever encoder feeds them.
    /// </summary>
    public static readonly IReadOnlyList<int> CanonicalWidths = [64, 192, 480, 832, 1024];

    private readonly List<(string Name, FrameStage Stage)> _stages = [];
    private readonly long[] _channels;

    public override IReadOnlyList<long> StageChannels => _channels;

    /// <summary>The stages in forward order, with their state-dict names (Stage_1 ...).</summary>
    public IReadOnlyList<(string Name, FrameStage Stage)> Stages => _stages;

    public FrameEncoder(ModelConfig config, long inChannels = 3) : base(nameof(FrameEncoder))
    {
        double m = config.BatchNormMomentum;
        int count = I3dEncoder.StageCount(config.Endpoint);
        _channels = new long[count];
        long current = inChannels;
        for (int i = 0; i < count; i++)
        {
            (_, int time, int space) = I3dEncoder.Stages[i];
            long width = config.Scale(CanonicalWidths[i]);
            Module<Tensor, Tensor> spatial = i == 0
                ? new Unit2D(current, width, 7, space, momentum: m)
                : new FrameBottleneck(current, width, space, m);
            var stage = new FrameStage(spatial, width, time, m);
            string name = $"Stage_{i + 1}";
            register_module(name, stage);
            _stages.Add((name, stage));
            _channels[i] = width;
            current = width;
        }
    }

    // [B, Cin, T, H, W] -> one [B, StageChannels[i], ceil(T/ti), ceil(H/si), ceil(W/si)] per stage
    public override Tensor[] forward(Tensor x) => Run(x, null);

    /// <summary>Runs the encoder and reports each stage's 2D output ("Stage_i.spatial") and mixed output ("Stage_i.temporal").</summary>
    public override Tensor[] Run(Tensor x, List<(string Name, long[] Shape)>? endpointShapes)
    {
        var stages = new List<Tensor>();
        using var scope = torch.NewDisposeScope();
        Tensor current = x;
        foreach ((string name, FrameStage stage) in _stages)
        {
            using Tensor frames = stage.Frames(current);
            endpointShapes?.Add(($"{name}.spatial", frames.shape));
            current = stage.Temporal.call(frames);
            endpointShapes?.Add(($"{name}.temporal", current.shape));
            stages.Add(current);
        }
        foreach (Tensor stage in stages) stage.MoveToOuterDisposeScope();
        return [.. stages];
    }

    // Every stage's output with the size multiples it keeps (T, H, W), shallow to deep.
    public override List<(string Value, long[] Divisors)> ToOnnx(OnnxGraph g, string x, long[] divisors, string path)
    {
        var stages = new List<(string Value, long[] Divisors)>();
        var d = (long[])divisors.Clone();
        string current = x;
        foreach ((string name, FrameStage stage) in _stages)
        {
            current = stage.ToOnnx(g, current, d, $"{path}.{name}");
            stages.Add((current, (long[])d.Clone()));
        }
        return stages;
    }
}

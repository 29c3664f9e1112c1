using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// What the U-Net decoder needs from an encoder: the features of every resolution stage, shallow to deep, at the
/// (time, space) strides of <see cref="I3dEncoder.Stages"/> up to the config's endpoint, with
/// <see cref="StageChannels"/> channels each. <see cref="I3dEncoder"/> and <see cref="FrameEncoder"/> are the two kinds.
/// </summary>
public abstract class StageEncoder : Module<Tensor, Tensor[]>
{
    protected StageEncoder(string name) : base(name) { }

    /// <summary>Channels of each stage's features (what <c>forward</c> returns), shallow to deep.</summary>
    public abstract IReadOnlyList<long> StageChannels { get; }

    /// <summary>Runs the encoder and reports every endpoint's output shape [B, C, T, H, W] in order.</summary>
    public abstract Tensor[] Run(Tensor x, List<(string Name, long[] Shape)>? endpointShapes);

    /// <summary>
    /// The ONNX form (<see cref="IOnnxLayer"/>): every stage's output, shallow to deep, with the size multiples (T, H, W)
    /// it keeps, given the input's <paramref name="divisors"/>.
    /// </summary>
    public abstract List<(string Value, long[] Divisors)> ToOnnx(OnnxGraph g, string x, long[] divisors, string path);

    /// <summary>The encoder <see cref="ModelConfig.Encoder"/> names, reading <paramref name="inChannels"/> channels.</summary>
    public static StageEncoder Create(ModelConfig config, long inChannels) => config.Encoder switch
    {
        EncoderKind.I3d => new I3dEncoder(config, inChannels),
        EncoderKind.Frame2d => new FrameEncoder(config, inChannels),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Encoder, "unknown encoder kind"),
    };
}

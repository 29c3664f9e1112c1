namespace Centrifuge.Models;

/// <summary>
/// The Centrifuge model: an I3D encoder (or the per-frame 2D <see cref="FrameEncoder"/>) to <see cref="Endpoint"/>,
/// a 3D up-convolutional U-Net decoder to 3n channels, and optionally <see cref="CorrectionSteps"/> correctors (paper
/// section 3.2, appendix A). Defaults are the paper's predictor; <see cref="ModelPresets"/> holds the named
/// configurations. JSON-serialisable.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>
    /// Last I3D endpoint of every encoder (paper default Mixed_5c). For the frame2d encoder it sets the same depth:
    /// as many resolution stages, with the same strides.
    /// </summary>
    public I3dEndpoint Endpoint { get; init; } = I3dEndpoint.Mixed_5c;

    /// <summary>
    /// The encoder: i3d (the paper's; the default, and what a config or checkpoint without this field means) or
    /// frame2d (2D convolutions per frame with a residual temporal convolution after each stage, <see cref="FrameEncoder"/>).
    /// </summary>
    public EncoderKind Encoder { get; init; } = EncoderKind.I3d;

    /// <summary>Channel multiplier of the encoder and decoder widths (1.0 = canonical I3D).</summary>
    public double Width { get; init; } = 1.0;

    /// <summary>n: the number of output layers (3n output channels).</summary>
    public int Layers { get; init; } = 2;

    /// <summary>0 = predictor only; 1 = the paper's predictor-corrector; k = k correctors, each with its own weights.</summary>
    public int CorrectionSteps { get; init; }

    /// <summary>Correctors also see the input video (3n + 3 input channels instead of 3n).</summary>
    public bool CorrectorSeesInput { get; init; }

    /// <summary>Decoder up-sampling operator (chosen by measurement on this CPU; see docs/BENCHMARKS.md).</summary>
    public DecoderUpsampling Upsampling { get; init; } = DecoderUpsampling.SubPixel;

    /// <summary>
    /// Decoder widths at width 1.0, from the input resolution up to one stage below the endpoint:
    /// [input, Conv3d_1a_7x7, Conv3d_2c_3x3, Mixed_3c, Mixed_4f] resolutions (only as many as the endpoint needs).
    /// </summary>
    public int[] DecoderChannels { get; init; } = [16, 32, 64, 128, 256];

    /// <summary>
    /// BatchNorm3d momentum in PyTorch's sense (new = (1-m) old + m batch). 0.01 as in the PyTorch port of I3D; the
    /// TensorFlow original used decay 0.999 (m = 0.001), too slow for short training runs.
    /// </summary>
    public double BatchNormMomentum { get; init; } = 0.01;

    /// <summary>
    /// Mixture consistency (as in speech separation, Wisdom et al. 2019): the two outputs are projected so that their
    /// average is exactly the input, O_i + (V - (O_1 + O_2) / 2). A projection in the forward pass, not the consistency
    /// loss the paper tried; n = 2 only. Off by default (the paper).
    /// </summary>
    public bool MixtureConsistency { get; init; }

    /// <summary>
    /// Training only: in train mode the decoder drops whole feature channels (Dropout3d) of the encoder features it is
    /// fed, the deepest and every skip but the input video's, with this probability, so that it cannot lean on a few
    /// channels that recognise a training video. No weights depend on it and eval mode ignores it, so it is not part of
    /// the architecture (<see cref="Equals(ModelConfig?)"/>): a run with it may start from a model without it. 0 = off.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public double DecoderDropout { get; init; }

    /// <summary>
    /// Record equality with the array compared by value (records compare arrays by reference); the architecture only, so
    /// <see cref="DecoderDropout"/> is left out.
    /// </summary>
    public bool Equals(ModelConfig? other) =>
        other is not null && Endpoint == other.Endpoint && Width.Equals(other.Width) && Layers == other.Layers &&
        CorrectionSteps == other.CorrectionSteps && CorrectorSeesInput == other.CorrectorSeesInput &&
        Upsampling == other.Upsampling && DecoderChannels.SequenceEqual(other.DecoderChannels) &&
        BatchNormMomentum.Equals(other.BatchNormMomentum) && MixtureConsistency == other.MixtureConsistency &&
        Encoder == other.Encoder;

    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(Endpoint, Width, Layers, CorrectionSteps, CorrectorSeesInput, Upsampling,
            DecoderChannels.Length, BatchNormMomentum), MixtureConsistency, Encoder);

    /// <summary>Channels scaled by <see cref="Width"/> (never below 2, so every branch stays alive).</summary>
    public int Scale(int canonicalChannels) => Math.Max(2, (int)Math.Round(canonicalChannels * Width));

    /// <summary>Throws a <see cref="CentrifugeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!(Width > 0) || Width > 8) throw Invalid($"width {Width} must be in (0, 8]");
        if (Layers < 1 || Layers > 64) throw Invalid($"layers {Layers} must be in [1, 64]");
        if (!(DecoderDropout >= 0 && DecoderDropout < 1)) throw Invalid($"decoder_dropout {DecoderDropout} must be in [0, 1)");
        if (CorrectionSteps < 0 || CorrectionSteps > 8) throw Invalid($"correction_steps {CorrectionSteps} must be in [0, 8]");
        if (!Enum.IsDefined(Encoder)) throw Invalid($"encoder {Encoder} is not one of i3d, frame2d");
        if (!Enum.IsDefined(Endpoint)) throw Invalid($"endpoint {Endpoint} is not one of Mixed_3c, Mixed_4f, Mixed_5c");
        int needed = I3dEncoder.StageCount(Endpoint);
        if (DecoderChannels.Length < needed || DecoderChannels.Any(c => c < 1))
            throw Invalid($"decoder_channels needs {needed} positive widths for endpoint {Endpoint}, got [{string.Join(", ", DecoderChannels)}]");
        if (!(BatchNormMomentum > 0) || BatchNormMomentum > 1) throw Invalid($"batch_norm_momentum {BatchNormMomentum} must be in (0, 1]");
        if (MixtureConsistency && Layers != 2) throw Invalid($"mixture_consistency needs layers = 2, got {Layers}");
    }

    private static CentrifugeException Invalid(string reason) => new("model config: " + reason, ExitCodes.Usage);
}

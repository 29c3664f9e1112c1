namespace Centrifuge.Models;

/// <summary>
/// Named model configurations (data, not code). <c>tiny</c>: unit tests, a forward in milliseconds.
/// <c>cpu-small</c>: the model trained and shipped on the 2-core CPU (chosen by measurement, docs/BENCHMARKS.md).
/// <c>cpu-small-2d</c>: cpu-small with the per-frame 2D encoder (<see cref="FrameEncoder"/>) instead of I3D: the
/// same stages, widths and decoder, about the same parameter count.
/// <c>paper</c>: the paper's predictor-corrector (width 1.0, Mixed_5c, n = 4, one correction step).
/// </summary>
public static class ModelPresets
{
    private static readonly Dictionary<string, ModelConfig> Presets = new(StringComparer.Ordinal)
    {
        ["tiny"] = new ModelConfig
        {
            Endpoint = I3dEndpoint.Mixed_3c, Width = 0.0625, Layers = 2, DecoderChannels = [64, 64, 64, 64, 64],
        },
        ["cpu-small"] = new ModelConfig
        {
            Endpoint = I3dEndpoint.Mixed_5c, Width = 0.375, Layers = 2, DecoderChannels = [32, 64, 128, 128, 256],
            BatchNormMomentum = 0.1,
        },
        ["cpu-small-2d"] = new ModelConfig
        {
            Encoder = EncoderKind.Frame2d, Endpoint = I3dEndpoint.Mixed_5c, Width = 0.375, Layers = 2,
            DecoderChannels = [32, 64, 128, 128, 256], BatchNormMomentum = 0.1,
        },
        ["paper"] = new ModelConfig
        {
            Endpoint = I3dEndpoint.Mixed_5c, Width = 1.0, Layers = 4, CorrectionSteps = 1,
        },
    };

    public static IReadOnlyList<string> Names { get; } = ["tiny", "cpu-small", "cpu-small-2d", "paper"];

    /// <summary>The preset's config, or a <see cref="CentrifugeException"/> listing the valid names.</summary>
    public static ModelConfig Get(string name) =>
        Presets.TryGetValue(name, out ModelConfig? config)
            ? config
            : throw new CentrifugeException($"model preset '{name}': expected one of {string.Join(", ", Names)}", ExitCodes.Usage);
}

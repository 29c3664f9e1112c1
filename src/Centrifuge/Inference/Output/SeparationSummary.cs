using System.Text.Json.Serialization;

namespace Centrifuge.Inference.Output;

/// <summary>
/// summary.json of one separated input. Width/Height/Fps/Frames describe the written layers (equal to the input's
/// unless --output-size); Layers = n; Pair = the two most dissimilar layers, 1-based as in layer-K.mp4 (written again
/// as pair-a.mp4, pair-b.mp4); Seconds = wall time; PeakMemoryMb = this process's peak resident memory during this input
/// (the model, libtorch, the frames), which does not include the ffmpeg processes that decode and encode the videos:
/// those are <see cref="FfmpegPeakMemoryMb"/>.
/// </summary>
public sealed record SeparationSummary(string Input, int Frames, int Width, int Height, double Fps, int Layers, int[] Pair,
    double Seconds, double FramesPerSecond, double PeakMemoryMb)
{
    /// <summary>The ffmpeg processes' share of the run's memory: the sum of the peak resident memory of each ffmpeg that
    /// decoded or encoded this input (they run side by side; <see cref="Video.FfmpegMemory"/>), MiB.</summary>
    public double FfmpegPeakMemoryMb { get; init; }

    /// <summary>Frames of a damaged input that could not be decoded and are missing from the layers (0 for a clean input,
    /// "unknown" when its container declares no length).</summary>
    public FrameLoss FramesLost { get; init; }

    /// <summary>What is wrong with a damaged input (the probe's reason), or absent for a clean one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Damage { get; init; }

    /// <summary>The input file as it was separated (size, modification time), so `--skip-existing` redoes an output whose
    /// input changed since; absent for a blend and in summaries written before it was recorded.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InputStamp? InputStamp { get; init; }

    /// <summary>The strength the layers were written at (Models.LayerStrength), absent at full strength.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Strength { get; init; }

    /// <summary>The rule of `--strength auto` (Models.AdaptiveStrength), absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Models.AdaptiveStrength? AdaptiveStrength { get; init; }

    /// <summary>With `--strength auto`: the strength each window was written at, in order; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? WindowStrengths { get; init; }

    /// <summary>Only for --blend: scores against the two original videos.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BlendMetrics? Metrics { get; init; }
}

/// <summary>A file's size in bytes and last-write time (unix milliseconds, UTC): it changed when either did.</summary>
public sealed record InputStamp(long Bytes, long MtimeMs)
{
    public static InputStamp Of(string path)
    {
        var file = new FileInfo(path);
        return new InputStamp(file.Length, new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeMilliseconds());
    }
}

/// <summary>
/// Scores of separating a synthetic blend V = (1 - alpha) A + alpha B against A and B, at processing resolution,
/// frame-weighted means over the finished segments. Loss is the paper's permutation-invariant L1 + gradient loss;
/// Psnri = PSNR gain of the layers over using the blend itself as both layers.
/// </summary>
public sealed record BlendMetrics(string A, string B, double Alpha, double Loss, double Psnr, double Ssim, double Psnri,
    double Ncc, double Diversity);

namespace Centrifuge.Data;

/// <summary>
/// Per-layer appearance and time augmentation of training clips (issue 28), every key off by default: each layer of
/// a blend gets its own draw, so the two sources of a mixture differ in colour and direction of time as real pairs
/// do, and a model cannot split a blend by colour alone. Applied in the order of <see cref="AugmentationPipeline"/>.
/// </summary>
public sealed record AppearanceConfig
{
    /// <summary>Probability a layer is played backwards.</summary>
    public double TimeReversal { get; init; }
    /// <summary>Probability a layer's R, G, B channels are permuted (one of the five other orders, uniformly).</summary>
    public double ChannelPermutation { get; init; }
    /// <summary>Hue rotated by an angle drawn uniformly from [-h, h] degrees (0 = off, 180 = any hue).</summary>
    public double HueDegrees { get; init; }
    /// <summary>Contrast factor drawn uniformly per layer; replaces colour_jitter's contrast when set.</summary>
    public UniformRange? Contrast { get; init; }
    /// <summary>Saturation factor drawn uniformly per layer; replaces colour_jitter's saturation when set.</summary>
    public UniformRange? Saturation { get; init; }
    /// <summary>Gamma (x -> x^g) drawn log-uniformly per layer; null = 1.</summary>
    public UniformRange? Gamma { get; init; }
    /// <summary>Probability a layer is made grayscale (ITU-R 601 luma in all three channels).</summary>
    public double Grayscale { get; init; }

    /// <summary>True when any key is on.</summary>
    public bool Any => TimeReversal > 0 || ChannelPermutation > 0 || HueDegrees > 0 || Contrast is not null || Saturation is not null
                       || Gamma is not null || Grayscale > 0;

    internal IEnumerable<string> Problems()
    {
        foreach ((string name, double p) in new[] { ("time_reversal", TimeReversal), ("channel_permutation", ChannelPermutation), ("grayscale", Grayscale) })
            if (p is < 0 or > 1) yield return $"appearance.{name} is a probability, in [0, 1]";
        if (HueDegrees is < 0 or > 180) yield return "appearance.hue_degrees must be in [0, 180]";
        foreach ((string name, UniformRange? r) in new[] { ("contrast", Contrast), ("saturation", Saturation), ("gamma", Gamma) })
            if (r is { } range && (range.Low < 0 || range.High < range.Low || (name == "gamma" && range.Low <= 0)))
                yield return $"appearance.{name} must be {(name == "gamma" ? "positive" : ">= 0")} with low <= high";
    }
}

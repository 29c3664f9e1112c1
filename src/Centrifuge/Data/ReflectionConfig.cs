namespace Centrifuge.Data;

/// <summary>
/// Mixing as single-image reflection work synthesises it, beyond the paper's uniform average (its stated future
/// work): one layer of a two-layer sample is a reflection — blurred, with a strength that varies across the frame —
/// and the other is seen through tinted glass. Applies to training samples only; validation stays the paper's
/// uniform blend. The targets are the layers as they enter the mixture (the blurred reflection, the tinted scene),
/// so mixture = (1 - a(x)) T + a(x) R still holds pixel by pixel.
/// </summary>
public sealed record ReflectionConfig
{
    /// <summary>Standard deviation of the reflection's Gaussian blur, in clip pixels (0 = sharp).</summary>
    public UniformRange BlurSigma { get; init; } = new(0, 2.5);
    /// <summary>Reflection strength a at the two ends of a linear ramp across the frame in a random direction.</summary>
    public UniformRange Strength { get; init; } = new(0.2, 0.6);
    /// <summary>Per-channel gain of the transmitted layer drawn from [1 - c, 1] (a tinted glass; 0 = off).</summary>
    public double ColourFilter { get; init; } = 0.25;

    internal IEnumerable<string> Problems()
    {
        if (BlurSigma.Low < 0 || BlurSigma.High < BlurSigma.Low) yield return "reflection.blur_sigma must be >= 0 with low <= high";
        if (Strength.Low < 0 || Strength.High > 1 || Strength.High < Strength.Low) yield return "reflection.strength must lie in [0, 1] with low <= high";
        if (ColourFilter is < 0 or >= 1) yield return "reflection.colour_filter must be in [0, 1)";
    }
}

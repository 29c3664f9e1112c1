namespace Centrifuge.Data;

/// <summary>
/// Procedural "dead leaves" pseudo-videos (<see cref="ProceduralScene"/>): a procedural texture under camera motion with
/// N occluding leaves of procedural textures on their own paths; no photo or video is read. Sizes and distances are
/// fractions of the clip's shorter side; speeds are over the whole clip.
/// </summary>
public sealed record ProceduralConfig
{
    public int MinLeaves { get; init; } = 3;
    public int MaxLeaves { get; init; } = 16;
    /// <summary>A leaf's radius as a fraction of the clip's shorter side, drawn from a power law over this range.</summary>
    public UniformRange Size { get; init; } = new(0.06, 0.5);
    /// <summary>
    /// Exponent e of the radius density p(r) ~ r^-e over <see cref="Size"/>: 3 is the scale-invariant dead-leaves model
    /// (mostly small leaves), 1 spreads sizes evenly on a log scale, 0 is uniform.
    /// </summary>
    public double SizeExponent { get; init; } = 1.5;
    /// <summary>How far a leaf's centre travels over the clip, as a fraction of the clip's shorter side.</summary>
    public UniformRange Travel { get; init; } = new(0, 0.8);
    /// <summary>Largest change of a leaf's size over the clip, as a factor (0.3: up to x1.3 larger or smaller).</summary>
    public double MaxScaleChange { get; init; } = 0.3;
    /// <summary>Largest turn of a leaf over the clip, in degrees.</summary>
    public double MaxRotationDegrees { get; init; } = 60;
    /// <summary>Width of a leaf's soft edge, in leaf units (1 = its radius).</summary>
    public UniformRange Softness { get; init; } = new(0.02, 0.15);
    /// <summary>Per-leaf brightness gain at the first and last frame drawn from [1 - b, 1 + b] (0 = off).</summary>
    public double BrightnessChange { get; init; } = 0.15;

    internal IEnumerable<string> Problems()
    {
        if (MinLeaves < 0 || MaxLeaves < MinLeaves) yield return "procedural.min_leaves must be >= 0 and <= max_leaves";
        if (Size.Low <= 0 || Size.High < Size.Low) yield return "procedural.size must be positive with low <= high";
        if (SizeExponent is < 0 or > 5) yield return "procedural.size_exponent must be in [0, 5]";
        if (Travel.Low < 0 || Travel.High < Travel.Low) yield return "procedural.travel must be >= 0 with low <= high";
        if (MaxScaleChange is < 0 or >= 1) yield return "procedural.max_scale_change must be in [0, 1)";
        if (MaxRotationDegrees < 0) yield return "procedural.max_rotation_degrees must be >= 0";
        if (Softness.Low <= 0 || Softness.High < Softness.Low || Softness.High > 0.5) yield return "procedural.softness must lie in (0, 0.5] with low <= high";
        if (BrightnessChange is < 0 or >= 1) yield return "procedural.brightness_change must be in [0, 1)";
    }
}

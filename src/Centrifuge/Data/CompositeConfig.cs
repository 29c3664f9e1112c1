namespace Centrifuge.Data;

/// <summary>
/// Composited moving-object pseudo-videos: a background photo under camera motion (<see cref="DataConfig.CameraMotion"/>)
/// with 1-N soft-edged cut-outs of other photos on top, each on its own path. Sizes and distances are fractions of
/// the clip's shorter side; speeds are over the whole clip.
/// </summary>
public sealed record CompositeConfig
{
    public int MinObjects { get; init; } = 1;
    public int MaxObjects { get; init; } = 4;
    /// <summary>An object's radius (centre to its bounding circle) as a fraction of the clip's shorter side.</summary>
    public UniformRange Size { get; init; } = new(0.15, 0.4);
    /// <summary>How far an object's centre travels over the clip, as a fraction of the clip's shorter side.</summary>
    public UniformRange Travel { get; init; } = new(0.1, 0.7);
    /// <summary>Largest change of an object's size over the clip, as a factor (0.3: up to x1.3 larger or smaller).</summary>
    public double MaxScaleChange { get; init; } = 0.3;
    /// <summary>Largest turn of an object over the clip, in degrees.</summary>
    public double MaxRotationDegrees { get; init; } = 40;
    /// <summary>Width of the soft edge of a mask, in object units (1 = the object's radius).</summary>
    public UniformRange Softness { get; init; } = new(0.04, 0.2);
    /// <summary>Zoom of an object's texture relative to the photo's own scale in the clip (several scales of one photo).</summary>
    public UniformRange TextureZoom { get; init; } = new(0.6, 1.6);
    /// <summary>Per-object brightness gain at the first and last frame drawn from [1 - b, 1 + b] (0 = off).</summary>
    public double BrightnessChange { get; init; } = 0.15;

    internal IEnumerable<string> Problems()
    {
        if (MinObjects < 1 || MaxObjects < MinObjects) yield return "composite.min_objects must be >= 1 and <= max_objects";
        if (Size.Low <= 0 || Size.High < Size.Low) yield return "composite.size must be positive with low <= high";
        if (Travel.Low < 0 || Travel.High < Travel.Low) yield return "composite.travel must be >= 0 with low <= high";
        if (MaxScaleChange is < 0 or >= 1) yield return "composite.max_scale_change must be in [0, 1)";
        if (MaxRotationDegrees < 0) yield return "composite.max_rotation_degrees must be >= 0";
        if (Softness.Low <= 0 || Softness.High < Softness.Low || Softness.High > 0.5) yield return "composite.softness must lie in (0, 0.5] with low <= high";
        if (TextureZoom.Low <= 0 || TextureZoom.High < TextureZoom.Low) yield return "composite.texture_zoom must be positive with low <= high";
        if (BrightnessChange is < 0 or >= 1) yield return "composite.brightness_change must be in [0, 1)";
    }
}

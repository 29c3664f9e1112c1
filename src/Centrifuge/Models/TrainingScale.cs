namespace Centrifuge.Models;

/// <summary>
/// The scale a model was trained at: clips of Frames x Height x Width cropped from frames stored at short side
/// <see cref="ShortSide"/>. Stored in the model file; `separate`, `demo` and `evaluate` work at this scale unless told
/// otherwise, since a model that saw scenes at one scale separates them best at that scale.
/// </summary>
public sealed record TrainingScale(int Frames, int Height, int Width, int ShortSide)
{
    /// <summary>The clip T x H x W it was trained on.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ClipSize Clip => new(Frames, Height, Width);
}

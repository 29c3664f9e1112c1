namespace Centrifuge.Models;

/// <summary>
/// The encoder of every predictor and corrector. JSON "i3d" (the paper's, the default) or "frame2d" (per-frame 2D
/// stages with temporal mixing, <see cref="FrameEncoder"/>).
/// </summary>
public enum EncoderKind
{
    I3d,
    Frame2d,
}

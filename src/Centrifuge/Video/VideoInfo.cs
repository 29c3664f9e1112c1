namespace Centrifuge.Video;

/// <summary>
/// What <see cref="VideoProbe"/> learned about a video file. Width/Height are the displayed size (after
/// <see cref="Rotation"/>); <see cref="Fps"/> is the average frame rate (the real one, r_frame_rate, when the
/// container has no average); <see cref="Frames"/> is the number of frames a <see cref="VideoReader"/> delivers
/// from the whole file, counted by decoding (cached) unless asked to trust a consistent header.
/// </summary>
public sealed record VideoInfo(string Path, int Width, int Height, int Rotation, double Fps, double RealFps,
    double DurationSeconds, string Codec, string PixelFormat, int Frames)
{
    /// <summary>The container's own frame count (nb_frames; 0 when absent). Often counts packets, not frames.</summary>
    public int HeaderFrames { get; init; }

    /// <summary>True when <see cref="Frames"/> was counted by decoding (always, unless <see cref="FrameCountMode.HeaderWhenConsistent"/>).</summary>
    public bool FramesCounted { get; init; } = true;

    /// <summary>Start time of the video stream relative to the start of the file, in seconds.</summary>
    public double StreamStartSeconds { get; init; }

    /// <summary>Damage found while counting frames (truncated file, corrupt stream); null for a clean file.</summary>
    public VideoDamage? Damage { get; init; }

    /// <summary>Frames the container promised that could not be decoded (none for a clean file; unknown when it promised no length).</summary>
    public FrameLoss FramesLost => Damage?.FramesLost ?? FrameLoss.None;

    /// <summary>True when frames are evenly spaced at <see cref="Fps"/> (frame k sits at k / Fps seconds).</summary>
    public bool IsConstantRate =>
        Fps > 0 && DurationSeconds > 0 && Math.Abs(DurationSeconds * Fps - Frames) <= 1.5;
}

/// <summary>
/// Damage found in a file (a decode error, or a container cut short): <see cref="Reason"/> is one line (without the
/// path) ending in what was lost; <see cref="FramesLost"/> = the frames the container promised minus those that decode
/// (none: damaged, but every frame decodes, a warning at most; unknown: the container promised no length);
/// <see cref="ExitCode"/> = the code of a strict refusal.
/// </summary>
public sealed record VideoDamage(string Reason, int ExitCode, FrameLoss FramesLost);

/// <summary>How <see cref="VideoProbe"/> finds a frame count.</summary>
public enum FrameCountMode
{
    /// <summary>Decode and count (cached per file): right even when the header lies (headers often count packets or
    /// index entries: tree.avi says 444 and has 68 frames; vp9-in-avi 300 for 295; MP4 edit lists drop one).</summary>
    Decode,
    /// <summary>Trust the header's nb_frames when it agrees with duration x fps to within one frame, else decode.
    /// Fast for large corpora; can be wrong by a few frames, and does not look for damage in the stream.</summary>
    HeaderWhenConsistent,
}

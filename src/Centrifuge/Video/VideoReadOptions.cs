namespace Centrifuge.Video;

/// <summary>An explicit crop, in pixels of the frame after resizing (<see cref="VideoReadOptions.ShortSide"/>).</summary>
public sealed record CropWindow(int X, int Y, int Width, int Height);

/// <summary>
/// What part of a video to read and at what size. All resampling, resizing and cropping runs inside ffmpeg, in this
/// order: start, target fps, resize to short side, crop.
/// </summary>
public sealed record VideoReadOptions
{
    /// <summary>First frame to deliver (0 = the first decoded frame; counted after <see cref="StartSeconds"/>).</summary>
    public int StartFrame { get; init; }
    /// <summary>Seek here first (seconds from the start of the file).</summary>
    public double? StartSeconds { get; init; }
    /// <summary>Deliver at most this many frames; fewer available is an error under <see cref="Strict"/>, else a warning.</summary>
    public int? MaxFrames { get; init; }
    /// <summary>Resample to this constant frame rate (ffmpeg's fps filter: frames are dropped or repeated).</summary>
    public double? TargetFps { get; init; }
    /// <summary>Resize so the shorter side is this many pixels (area filter when shrinking, bicubic when growing).</summary>
    public int? ShortSide { get; init; }
    /// <summary>Cut this size out of the centre of the (resized) frame.</summary>
    public (int Width, int Height)? CenterCrop { get; init; }
    /// <summary>Cut this window out of the (resized) frame; mutually exclusive with <see cref="CenterCrop"/>.</summary>
    public CropWindow? Crop { get; init; }
    /// <summary>Refuse instead of repairing: damaged streams, too few frames, frames smaller than the crop.</summary>
    public bool Strict { get; init; }
}

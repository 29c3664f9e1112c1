namespace Centrifuge.Video;

/// <summary>
/// How a <see cref="VideoWriter"/> encodes: H.264 (yuv420p, constant rate factor <see cref="Crf"/>) in MP4/MKV/MOV,
/// or, with <see cref="Lossless"/>, FFV1 in MKV (bit-exact RGB, for evaluation artefacts).
/// </summary>
public sealed record VideoWriterOptions
{
    public bool Lossless { get; init; }
    /// <summary>libx264 -crf: 0 (lossless luma) to 51; 18 is visually transparent.</summary>
    public int Crf { get; init; } = 18;
    /// <summary>Replace an existing file at the output path.</summary>
    public bool Force { get; init; }
    /// <summary>libx264 preset (speed vs size); quality is set by <see cref="Crf"/>.</summary>
    public string Preset { get; init; } = "medium";
    /// <summary>Seconds of each frame from the first (a variable-frame-rate input's timing, <see cref="FrameTimes"/>);
    /// null writes frames evenly at the writer's rate.</summary>
    public IReadOnlyList<double>? FrameTimes { get; init; }
    /// <summary>Size of the encoded video when it differs from the frames written: ffmpeg scales them (bilinear when
    /// enlarging, area averaging when shrinking) on its own thread, instead of the caller scaling full-size frames
    /// and shipping them over the pipe. null: encoded at the size written.</summary>
    public (int Width, int Height)? ScaleTo { get; init; }
}

namespace Centrifuge.Data;

/// <summary>Frames of one source being decoded: uint8 RGB chunks [t, Height, Width, 3], in order.</summary>
public interface IDecodedFrames : IDisposable
{
    int Width { get; }
    int Height { get; }
    double Fps { get; }
    /// <summary>Chunks of whole frames (Frames = chunk length / (Height x Width x 3)).</summary>
    IEnumerable<ReadOnlyMemory<byte>> Chunks(int framesPerChunk);
    /// <summary>What is wrong with a damaged source (null when clean), and the frames it lost (known after the last chunk).</summary>
    string? Damage => null;
    FrameLoss FramesLost => FrameLoss.None;
}

/// <summary>Decodes a source (video, frame folder, photo) with its short side resized to a given size.</summary>
public interface ISourceDecoder
{
    /// <summary>
    /// Opens <paramref name="source"/> (within its time window) from frame <paramref name="startFrame"/>, at most
    /// <paramref name="maxFrames"/> frames; throws <see cref="CentrifugeException"/> when it cannot be read.
    /// </summary>
    IDecodedFrames Open(VideoSource source, int shortSide, int startFrame = 0, int? maxFrames = null);

    /// <summary>Frames (as counted or estimated without decoding), size at <paramref name="shortSide"/> and rate of a source.</summary>
    StoredVideo Probe(VideoSource source, int shortSide);
}

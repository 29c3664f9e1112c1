namespace Centrifuge.Data;

/// <summary>A video as a store holds it: its source and its decoded size (frames at the store's short side).</summary>
public sealed record StoredVideo(VideoSource Source, int Frames, int Height, int Width, double Fps)
{
    /// <summary>Frames of a damaged source that could not be decoded (Frames counts only those that could; unknown when its container declares no length).</summary>
    public FrameLoss FramesLost { get; init; }
    /// <summary>What is wrong with a damaged source, or null.</summary>
    public string? Damage { get; init; }
}

/// <summary>
/// Where the loader takes frames from: the decoded-clip cache (memory-mapped) or the video files themselves.
/// Implementations are safe to call from several loader workers at once.
/// </summary>
public interface IFrameStore : IDisposable
{
    IReadOnlyList<StoredVideo> Videos { get; }

    /// <summary>
    /// Copies the box of the given frames of video <paramref name="video"/> into <paramref name="destination"/>:
    /// uint8 RGB [frames.Length, box.Height, box.Width, 3].
    /// </summary>
    void CopyCrop(int video, ReadOnlySpan<int> frames, CropBox box, Span<byte> destination);
}

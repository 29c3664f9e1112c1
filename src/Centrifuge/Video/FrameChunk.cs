namespace Centrifuge.Video;

/// <summary>Decoded frames as uint8 RGB, frames contiguous, row-major: [T, H, W, 3].</summary>
public sealed class FrameChunk
{
    public byte[] Rgb { get; }
    public int Frames { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Bytes of one frame (H x W x 3).</summary>
    public int FrameBytes => Height * Width * 3;

    public FrameChunk(byte[] rgb, int frames, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (rgb.LongLength < (long)frames * height * width * 3)
            throw new ArgumentException($"{rgb.Length} bytes cannot hold {frames} frames of {width}x{height} RGB", nameof(rgb));
        Rgb = rgb;
        Frames = frames;
        Height = height;
        Width = width;
    }

    /// <summary>The RGB bytes of frame <paramref name="t"/>: [H, W, 3].</summary>
    public ReadOnlySpan<byte> Frame(int t)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)t, (uint)Frames, nameof(t));
        return Rgb.AsSpan(t * FrameBytes, FrameBytes);
    }
}

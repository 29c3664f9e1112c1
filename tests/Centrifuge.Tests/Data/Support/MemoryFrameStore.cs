using Centrifuge.Data;

namespace Centrifuge.Tests.Data.Support;

/// <summary>Frames held in arrays, with a plain per-pixel copy: a reference store for loader tests.</summary>
public sealed class MemoryFrameStore : IFrameStore
{
    public List<byte[]> Data { get; } = [];
    public List<StoredVideo> List { get; } = [];
    public IReadOnlyList<StoredVideo> Videos => List;

    /// <summary>Adds a video of seeded random content (or a photo when frames = 1 and kind = Photo).</summary>
    public int Add(string id, int frames, int height, int width, int seed, string label = "x", SourceKind kind = SourceKind.Video, string? split = null)
    {
        var bytes = new byte[frames * height * width * 3];
        new Random(seed).NextBytes(bytes);
        Data.Add(bytes);
        List.Add(new StoredVideo(new VideoSource(id, label, id, kind) { Split = split }, frames, height, width, 25));
        return List.Count - 1;
    }

    public void CopyCrop(int video, ReadOnlySpan<int> frames, CropBox box, Span<byte> destination)
    {
        StoredVideo v = List[video];
        Assert.InRange(box.X, 0, v.Width - box.Width);
        Assert.InRange(box.Y, 0, v.Height - box.Height);
        int o = 0;
        foreach (int f in frames)
            for (int y = 0; y < box.Height; y++)
                for (int x = 0; x < box.Width; x++)
                    for (int c = 0; c < 3; c++)
                        destination[o++] = Pixel(video, f, box.Y + y, box.X + x, c);
    }

    public byte Pixel(int video, int frame, int y, int x, int c)
    {
        StoredVideo v = List[video];
        return Data[video][(((long)frame * v.Height + y) * v.Width + x) * 3 + c];
    }

    public void Dispose() { }
}

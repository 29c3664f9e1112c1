namespace Centrifuge.Data;

/// <summary>
/// Frames straight from the source files, decoded on every read (what the cache saves). Each read decodes only the
/// frame range it needs, resized so the short side is the config's; sources that cannot be probed are skipped.
/// </summary>
public sealed class VideoFileStore : IFrameStore
{
    private readonly ISourceDecoder _decoder;
    private readonly int _shortSide, _photoShortSide;

    public IReadOnlyList<StoredVideo> Videos { get; }
    public IReadOnlyList<SkippedSource> Skipped { get; }

    private VideoFileStore(ISourceDecoder decoder, int shortSide, int photoShortSide, IReadOnlyList<StoredVideo> videos, IReadOnlyList<SkippedSource> skipped)
    {
        _decoder = decoder;
        _shortSide = shortSide;
        _photoShortSide = photoShortSide;
        Videos = videos;
        Skipped = skipped;
    }

    /// <summary>Probes every source; unreadable ones are listed in <see cref="Skipped"/>, never fatal.</summary>
    public static VideoFileStore Open(IReadOnlyList<VideoSource> sources, DataConfig config, ISourceDecoder decoder)
    {
        int shortSide = config.StoredShortSide;
        int photoShortSide = (int)Math.Ceiling(config.CameraMotion.PhotoScale * shortSide);
        var videos = new List<StoredVideo>();
        var skipped = new List<SkippedSource>();
        foreach (VideoSource s in sources)
        {
            try
            {
                StoredVideo v = decoder.Probe(s, s.Kind == SourceKind.Photo ? photoShortSide : shortSide);
                if (v.Frames < 1) skipped.Add(new SkippedSource(s.Id, "no frames"));
                else videos.Add(v);
            }
            catch (CentrifugeException e)
            {
                skipped.Add(new SkippedSource(s.Id, e.Message));
            }
        }
        return new VideoFileStore(decoder, shortSide, photoShortSide, videos, skipped);
    }

    public void CopyCrop(int video, ReadOnlySpan<int> frames, CropBox box, Span<byte> destination)
    {
        StoredVideo v = Videos[video];
        int first = int.MaxValue, last = -1;
        foreach (int f in frames) { first = Math.Min(first, f); last = Math.Max(last, f); }
        int shortSide = v.Source.Kind == SourceKind.Photo ? _photoShortSide : _shortSide;
        int row = box.Width * 3;
        using IDecodedFrames decoded = _decoder.Open(v.Source, shortSide, first, last - first + 1);
        if (box.X + box.Width > decoded.Width || box.Y + box.Height > decoded.Height)
            throw new CentrifugeException($"{v.Source.Id}: decoded {decoded.Width}x{decoded.Height}, probed {v.Width}x{v.Height}", ExitCodes.DecodeFailed);
        int frameBytes = decoded.Width * decoded.Height * 3;
        var span = new byte[(last - first + 1) * frameBytes];
        int have = 0;
        foreach (ReadOnlyMemory<byte> chunk in decoded.Chunks(16))
        {
            int n = Math.Min(chunk.Length, span.Length - have);
            chunk.Span[..n].CopyTo(span.AsSpan(have));
            have += n;
            if (have == span.Length) break;
        }
        int available = have / frameBytes;
        if (available == 0) throw new CentrifugeException($"{v.Source.Id}: no frames decoded from frame {first}", ExitCodes.DecodeFailed);
        int o = 0;
        foreach (int f in frames)
        {
            // Probed frame counts can overshoot what decodes: the last decoded frame stands in.
            int at = Math.Min(f - first, available - 1) * frameBytes;
            for (int y = 0; y < box.Height; y++, o += row)
                span.AsSpan(at + ((box.Y + y) * decoded.Width + box.X) * 3, row).CopyTo(destination.Slice(o, row));
        }
    }

    public void Dispose() { }
}

namespace Centrifuge.Data;

/// <summary>Size and last-write time of a source (summed / latest over a frame folder's files): what makes a cache entry stale.</summary>
public readonly record struct SourceStamp(long Bytes, long MtimeMs)
{
    public static SourceStamp Of(VideoSource source)
    {
        IEnumerable<string> files = source.Kind == SourceKind.FrameFolder && source.FrameFiles is not null ? source.FrameFiles : [source.Path];
        long bytes = 0, mtime = 0;
        foreach (string f in files)
        {
            var info = new FileInfo(f);
            if (!info.Exists) return new SourceStamp(-1, -1);
            bytes += info.Length;
            mtime = Math.Max(mtime, new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds());
        }
        return new SourceStamp(bytes, mtime);
    }
}

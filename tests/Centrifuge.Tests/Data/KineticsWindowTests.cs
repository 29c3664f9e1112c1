using Centrifuge.Data;
using Centrifuge.Tests.Data.Support;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Data;

public class KineticsWindowTests
{
    [Fact]
    public void A_plain_youtube_id_file_is_cut_to_the_csv_time_window_when_cached()
    {
        using var dir = new TempDir();
        string root = dir.File("k");
        TestClips.Video(Path.Combine(root, "val", "juggling", "abc.mp4"), "testsrc2", 64, 48, 30, fps: 10, codec: "libx264");
        File.WriteAllLines(dir.File("k.csv"), ["label,youtube_id,time_start,time_end,split", "juggling,abc,1,2,validate"]);
        SourceList found = SourceCatalog.Discover(dir.File("k.csv"), root);
        VideoSource source = Assert.Single(found.Sources);
        Assert.Equal(("juggling", "val", 1.0, 2.0), (source.Label, source.Split, source.StartSeconds!.Value, source.EndSeconds!.Value));

        string cache = dir.File("cache");
        PrepareReport report = ClipCacheBuilder.Prepare(found, cache, new PrepareOptions { ShortSide = 24, MinFrames = 4 }, VideoSourceDecoder.Instance);
        Assert.Equal(1, report.Decoded);
        CacheEntry entry = Assert.Single(ClipCache.ReadIndex(cache)!.Entries);
        Assert.Equal(10, entry.Frames); // 1 s at 10 fps

        // The cached window is frames 10..19 of the whole video.
        using IDecodedFrames whole = VideoSourceDecoder.Instance.Open(new VideoSource(source.Path, "juggling", "abc"), 24);
        byte[] all = whole.Chunks(100).SelectMany(c => c.ToArray()).ToArray();
        int frameBytes = whole.Width * whole.Height * 3;
        using var opened = ClipCache.Open(cache);
        var cached = new byte[10 * frameBytes];
        opened.CopyCrop(0, Enumerable.Range(0, 10).ToArray(), new CropBox(0, 0, whole.Width, whole.Height), cached);
        Assert.Equal(all.AsSpan(10 * frameBytes, 10 * frameBytes).ToArray(), cached);
    }
}

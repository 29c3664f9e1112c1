using Centrifuge.Data;
using Centrifuge.Runtime;
using Centrifuge.Tests.Data.Support;
using Centrifuge.Tests.Support;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data;

/// <summary>Tiny lavfi clips shared by the cache tests: two good videos, a photo, a frame folder, a short and a broken file.</summary>
public sealed class CacheClips : IDisposable
{
    public TempDir Dir { get; } = new();
    public string Root => Dir.Path;

    public CacheClips()
    {
        TestClips.Video(Dir.File("src/cats/testsrc.mkv"), "testsrc2", 64, 48, 20);
        TestClips.Video(Dir.File("src/dogs/mandel.mp4"), "mandelbrot", 48, 64, 18, codec: "libx264");
        TestClips.Image(Dir.File("src/photos/still.png"), "testsrc", 80, 60);
        TestClips.FrameFolder(Dir.File("src/gray/seq"), "testsrc2", 40, 30, 8, gray: true);
        TestClips.Video(Dir.File("src/bad/short.mkv"), "testsrc2", 64, 48, 3);
        File.WriteAllBytes(Dir.File("src/bad/broken.mp4"), [1, 2, 3, 4, 5, 6, 7, 8]);
        Report = ClipCacheBuilder.Prepare(SourceCatalog.FromFolder(Dir.File("src")), Cache, ClipCacheTests.Options, new CountingDecoder());
    }

    /// <summary>A cache of src/ prepared once; tests that change it work on a copy.</summary>
    public string Cache => Dir.File("cache");
    public PrepareReport Report { get; }

    public string CopyCache(string to)
    {
        foreach (string f in Directory.GetFiles(Cache, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(Cache, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(f));
        }
        return to;
    }

    public void Dispose() => Dir.Dispose();
}

public class ClipCacheTests(CacheClips clips) : IClassFixture<CacheClips>
{
    internal static readonly PrepareOptions Options = new() { ShortSide = 19, MinFrames = 8 };

    private PrepareReport Prepare(string cache, ISourceDecoder? decoder = null) =>
        ClipCacheBuilder.Prepare(SourceCatalog.FromFolder(Path.Combine(clips.Root, "src")), cache, Options, decoder ?? new CountingDecoder());

    [Fact]
    public void Prepare_stores_every_frame_exactly_and_skips_and_lists_bad_videos()
    {
        string cache = clips.Cache;
        PrepareReport report = clips.Report;
        Assert.Equal((6, 4, 0, 0, 2), (report.Sources, report.Decoded, report.Reused, report.Rebuilt, report.Skipped));
        Assert.Contains(report.SkippedSources, s => s.Path.EndsWith("short.mkv") && s.Reason.Contains("too short (3 frames"));
        Assert.Contains(report.SkippedSources, s => s.Path.EndsWith("broken.mp4"));

        using ClipCache opened = ClipCache.Open(cache);
        Assert.Equal(4, opened.Entries.Count);
        Assert.Equal(2, opened.Index.Skipped.Count);
        var decoder = new CountingDecoder();
        foreach (CacheEntry e in opened.Entries)
        {
            int side = e.Kind == SourceKind.Photo ? Options.EffectivePhotoShortSide : Options.ShortSide;
            Assert.Equal(side, Math.Min(e.Width, e.Height));
            using IDecodedFrames direct = decoder.Open(e.ToSource(), side);
            byte[] expected = direct.Chunks(1000).SelectMany(c => c.ToArray()).ToArray();
            Assert.Equal(expected.Length, e.Bytes);
            // Round trip: the whole video through the memory-mapped reader equals the decoder's bytes.
            var all = new byte[expected.Length];
            opened.CopyCrop(opened.Find(e.ToSource()), Enumerable.Range(0, e.Frames).ToArray(), new CropBox(0, 0, e.Width, e.Height), all);
            Assert.Equal(expected, all);
            // A crop: rows copied from the right places.
            var crop = new byte[2 * 5 * 7 * 3];
            opened.CopyCrop(opened.Find(e.ToSource()), [e.Frames - 1, 0], new CropBox(3, 2, 7, 5), crop);
            for (int i = 0; i < 2; i++)
                for (int y = 0; y < 5; y++)
                    for (int x = 0; x < 21; x++)
                    {
                        int f = i == 0 ? e.Frames - 1 : 0;
                        Assert.Equal(expected[((f * e.Height + 2 + y) * e.Width + 3) * 3 + x], crop[(i * 5 + y) * 21 + x]);
                    }
        }
        CacheEntry sequence = opened.Entries.Single(e => e.Kind == SourceKind.FrameFolder);
        Assert.Equal(8, sequence.Frames);
    }

    [Fact]
    public void Rerun_reuses_valid_entries_and_rebuilds_damaged_ones()
    {
        using var dir = new TempDir();
        string cache = clips.CopyCache(dir.File("cache"));
        var decoder = new CountingDecoder();
        PrepareReport again = Prepare(cache, decoder);
        Assert.Equal((0, 4, 0), (again.Decoded, again.Reused, again.Rebuilt));
        Assert.Equal(2, decoder.Opened); // only the two bad files are tried again

        CacheIndex index = ClipCache.ReadIndex(cache)!;
        string flipped = Path.Combine(cache, index.Entries[0].File);
        byte[] original = File.ReadAllBytes(flipped);
        byte[] damaged = (byte[])original.Clone();
        damaged[damaged.Length / 2] ^= 0x40;                      // same size, wrong checksum
        File.WriteAllBytes(flipped, damaged);
        string truncated = Path.Combine(cache, index.Entries[1].File);
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..100]);   // wrong size
        Assert.False(ClipCache.Verify(cache, index.Entries[0]));
        Assert.False(ClipCache.HasExpectedSize(cache, index.Entries[1]));
        using (ClipCache partial = ClipCache.Open(cache)) Assert.Equal(3, partial.Entries.Count); // the truncated one is left out

        PrepareReport repaired = Prepare(cache);
        Assert.Equal((0, 2, 2), (repaired.Decoded, repaired.Reused, repaired.Rebuilt));
        Assert.Equal(original, File.ReadAllBytes(flipped));
        Assert.All(ClipCache.ReadIndex(cache)!.Entries, e => Assert.True(ClipCache.Verify(cache, e)));
        Assert.Empty(Directory.GetFiles(cache, ".*.tmp-*", SearchOption.AllDirectories));
    }

    /// <summary>
    /// Issue 30, case 9f: a reader (train, whose prepare skips checksums for speed) used a bit-flipped clip without
    /// noticing. Each clip's checksum is now checked the first time a process reads it: with a decoder the clip is
    /// rebuilt from its video, reported and counted; without one it is refused in one line naming the video.
    /// </summary>
    [Fact]
    public void A_bit_flipped_clip_is_caught_when_first_read_and_rebuilt_or_refused_never_used()
    {
        using var dir = new TempDir();
        string cache = clips.CopyCache(dir.File("cache"));
        CacheIndex index = ClipCache.ReadIndex(cache)!;
        CacheEntry entry = index.Entries.First(e => e.Kind == SourceKind.Video);
        string file = Path.Combine(cache, entry.File);
        byte[] original = File.ReadAllBytes(file);
        byte[] flipped = (byte[])original.Clone();
        flipped[flipped.Length / 2] ^= 0x40;
        File.WriteAllBytes(file, flipped);
        var box = new CropBox(0, 0, 8, 8);
        byte[] crop = new byte[2 * 8 * 8 * 3];

        using (ClipCache refusing = ClipCache.Open(cache))
        {
            int video = refusing.Find(entry.ToSource());
            var error = Assert.Throws<CentrifugeException>(() => refusing.CopyCrop(video, [0, 1], box, crop));
            Assert.Equal($"{entry.Path}: its cached clip {file} is damaged (checksum mismatch); run `centrifuge prepare` on the cache {cache} to rebuild it",
                error.Message);
        }

        var notes = new List<string>();
        using (ClipCache rebuilding = ClipCache.Open(cache, new CountingDecoder(), RunEvents.Of(e => notes.Add(((RunNote)e).Text))))
        {
            int video = rebuilding.Find(entry.ToSource());
            rebuilding.CopyCrop(video, [0, 1], box, crop);
            rebuilding.CopyCrop(video, [2, 3], box, crop);   // checked once: no second rebuild
            Assert.Equal(1, rebuilding.Rebuilt);
        }
        Assert.Equal([$"clip cache: {entry.Path}: cached clip damaged (checksum mismatch), rebuilt from the video (1 this run)"], notes);
        Assert.Equal(original, File.ReadAllBytes(file));
        Assert.All(ClipCache.ReadIndex(cache)!.Entries, e => Assert.True(ClipCache.Verify(cache, e)));
    }

    [Fact]
    public void Changed_sources_are_decoded_again()
    {
        using var dir = new TempDir();
        string src = dir.File("src");
        TestClips.Video(Path.Combine(src, "a", "clip.mkv"), "testsrc2", 64, 48, 10);
        string cache = dir.File("cache");
        ClipCacheBuilder.Prepare(SourceCatalog.FromFolder(src), cache, Options, new CountingDecoder());
        TestClips.Video(Path.Combine(src, "a", "clip.mkv"), "mandelbrot", 64, 48, 12);
        File.SetLastWriteTimeUtc(Path.Combine(src, "a", "clip.mkv"), DateTime.UtcNow.AddMinutes(1));
        PrepareReport report = ClipCacheBuilder.Prepare(SourceCatalog.FromFolder(src), cache, Options, new CountingDecoder());
        Assert.Equal(1, report.Rebuilt);
        Assert.Equal(12, ClipCache.ReadIndex(cache)!.Entries.Single().Frames);
    }

    [Fact]
    public void Cached_and_direct_loaders_give_the_same_batches()
    {
        TorchRuntimeLoaded();
        string cache = clips.Cache;
        var config = new DataConfig { Frames = 8, Height = 16, Width = 16, BatchSize = 2, Seed = 5, PhotoProbability = 0.5, ValidationFraction = 0, Cache = cache };
        using TrainingData cached = TrainingData.Open(config, new CountingDecoder());
        Assert.Equal(4, cached.Train.Count);
        using (TrainingData named = TrainingData.Open(config with { Sources = [Path.Combine(clips.Root, "src")] }))
        {
            Assert.Equal(4, named.Train.Count);
            // The short and the broken file: the reasons prepare found, not "not in the cache".
            Assert.Contains(named.Skipped, s => s.Path.EndsWith("short.mkv") && s.Reason.Contains("too short (3 frames"));
            Assert.Contains(named.Skipped, s => s.Path.EndsWith("broken.mp4") && s.Reason.StartsWith("not a video", StringComparison.Ordinal));
            Assert.DoesNotContain(named.Skipped, s => s.Reason.Contains("not in the cache"));
        }
        using TrainingData direct = TrainingData.Open(config with { Cache = null, Sources = [Path.Combine(clips.Root, "src")] }, new CountingDecoder());
        Assert.Equal(cached.Train.Moving.Select(i => cached.Store.Videos[i].Source.Id), direct.Train.Moving.Select(i => direct.Store.Videos[i].Source.Id));
        Assert.Contains(direct.Skipped, s => s.Path.EndsWith("broken.mp4"));
        for (int i = 0; i < 2; i++)
        {
            using BlendedBatch a = BlendLoader.GetBatch(cached.Train, config, i);
            using BlendedBatch b = BlendLoader.GetBatch(direct.Train, config, i);
            Assert.Equal(a.SourceIds, b.SourceIds);
            Assert.Equal(a.Targets.data<float>().ToArray(), b.Targets.data<float>().ToArray());
        }
    }

    private static void TorchRuntimeLoaded() => TorchRuntime.EnsureLoaded();
}

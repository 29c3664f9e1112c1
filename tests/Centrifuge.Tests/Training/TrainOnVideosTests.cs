using System.Diagnostics;
using Centrifuge.Data;
using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainOnVideosTests
{
    /// <summary>
    /// `train` on a plain folder of videos, with no prior `prepare`: the clip cache is built on the way (real ffmpeg
    /// decoding through the Data stage), the run completes, and a second run reuses the cache.
    /// </summary>
    [Fact]
    public void TrainsOnAFolderOfVideosWithoutAPriorPrepare()
    {
        using var dir = new TempDir();
        string videos = Directory.CreateDirectory(dir.File("videos")).FullName;
        string[] sources = ["testsrc2", "mandelbrot", "smptebars", "rgbtestsrc", "life"];
        foreach (string source in sources)
            Ffmpeg("-f", "lavfi", "-i", $"{source}=size=64x48:rate=10", "-frames:v", "20", "-pix_fmt", "yuv420p",
                Path.Combine(videos, source + ".mp4"));
        string cache = dir.File("cache");
        string[] args = ["train", "--data", videos, "--cache", cache, "--preset", "tiny", "--iterations", "3", "--val-every", "3",
            "--clip", "4,16,16", "--batch", "2", "--threads", "1"];

        CliResult first = CliRunner.Run([.. args, "--out", dir.File("run1")]);
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        Assert.Contains("5 decoded", first.Output);
        // Five videos: one is held out, and a blend needs two different ones (issue 19): no validation, said so.
        Assert.Contains("no validation: the validation split has 1 usable source video", first.Output);
        Assert.True(File.Exists(Path.Combine(dir.File("run1"), "best.ckpt")));

        CliResult second = CliRunner.Run([.. args, "--out", dir.File("run2")]);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("0 decoded, 5 reused", second.Output);
    }

    /// <summary>
    /// Issue 30, case 6: two videos put one in training, so every training blend would mix it with itself. Refused in
    /// one line before any training, naming the folder and why.
    /// </summary>
    [Fact]
    public void A_training_split_of_one_video_is_refused_instead_of_blending_it_with_itself()
    {
        using var dir = new TempDir();
        string videos = Directory.CreateDirectory(dir.File("videos")).FullName;
        foreach (string source in new[] { "testsrc2", "mandelbrot" })
            Ffmpeg("-f", "lavfi", "-i", $"{source}=size=64x48:rate=10", "-frames:v", "20", "-pix_fmt", "yuv420p",
                Path.Combine(videos, source + ".mp4"));
        CliResult result = CliRunner.Run(["train", "--data", videos, "--cache", dir.File("cache"), "--preset", "tiny", "--iterations", "3",
            "--clip", "4,16,16", "--batch", "2", "--threads", "1", "--out", dir.File("run")]);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        string[] errors = [.. result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
        Assert.Single(errors);
        Assert.Contains(videos, errors[0]);
        Assert.Contains("the training split has 1 usable source video", errors[0]);
        Assert.Contains("with itself", errors[0]);
        Assert.False(File.Exists(Path.Combine(dir.File("run"), "best.ckpt")));
    }

    /// <summary>
    /// Training reads its video batches through the loader's workers (data.workers, data.queue_size): any number of
    /// workers, reading in order or jumping (a resume), gives the same batch i as one worker reading straight through.
    /// </summary>
    [Fact]
    public void Loader_workers_feed_training_the_same_batches_in_any_order()
    {
        using var dir = new TempDir();
        string videos = Directory.CreateDirectory(dir.File("videos")).FullName;
        foreach (string source in new[] { "testsrc2", "mandelbrot", "smptebars", "rgbtestsrc", "life" })
            Ffmpeg("-f", "lavfi", "-i", $"{source}=size=64x48:rate=10", "-frames:v", "20", "-pix_fmt", "yuv420p",
                Path.Combine(videos, source + ".mp4"));
        TrainingConfig config = TrainingPresets.Get("tiny");
        config = config with
        {
            Data = config.Data with
            {
                Sources = [videos], Cache = dir.File("cache"), Frames = 4, Height = 16, Width = 16, BatchSize = 2, Workers = 1, QueueSize = 1,
            },
        };
        using ITrainingBatches straight = TrainingBatches.Open(config);
        using ITrainingBatches threaded = TrainingBatches.Open(config with { Data = config.Data with { Workers = 2, QueueSize = 3 } });
        var expected = Enumerable.Range(0, 6).Select(i => Copy(straight.Training(i))).ToArray();
        foreach (int i in new[] { 3, 4, 5, 0, 1 })   // a jump, in order, a jump back
        {
            using Centrifuge.Data.BlendedBatch batch = threaded.Training(i);
            Assert.Equal(i, batch.Iteration);
            Assert.Equal(expected[i], Copy(batch));
        }
    }

    /// <summary>
    /// validation_placement: centred blends each pair of videos from the same middle clips, so 40 pairs of 8 training
    /// videos are at most 28 distinct mixtures; spread (every preset's, as `evaluate`'s) makes all 40 distinct. The
    /// config key reads from JSON; a config without a preset, and the shipped recipe's, stay centred.
    /// </summary>
    [Fact]
    public void Spread_validation_pairs_are_distinct_views_where_centred_ones_repeat()
    {
        using var dir = new TempDir();
        string videos = Directory.CreateDirectory(dir.File("videos")).FullName;
        string[] sources = ["testsrc2", "mandelbrot", "smptebars", "rgbtestsrc", "life", "cellauto", "testsrc", "yuvtestsrc", "pal75bars", "smptehdbars"];
        foreach (string source in sources)
            Ffmpeg("-f", "lavfi", "-i", $"{source}=size=64x48:rate=10", "-frames:v", "20", "-pix_fmt", "yuv420p",
                Path.Combine(videos, source + ".mp4"));
        TrainingConfig config = TrainingPresets.Get("tiny");
        config = config with
        {
            ValidationPairs = 40,
            Data = config.Data with { Sources = [videos], Cache = dir.File("cache"), Frames = 4, Height = 16, Width = 16, PhotoProbability = 0 },
        };
        int DistinctMixtures(TrainingConfig c)
        {
            using ITrainingBatches batches = TrainingBatches.Open(c);
            Assert.Null(batches.NoValidation);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int count = 0;
            foreach (Centrifuge.Data.BlendedBatch batch in batches.RealVideoValidation(trainingVideos: true)!)
                using (batch)
                {
                    float[] all = batch.Mixture.contiguous().data<float>().ToArray();
                    int size = all.Length / (int)batch.Mixture.shape[0];
                    for (int b = 0; b < batch.Mixture.shape[0]; b++, count++)
                        seen.Add(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(all.AsSpan(b * size, size))));
                }
            Assert.Equal(40, count);
            return seen.Count;
        }
        Assert.Equal(ClipPlacement.Spread, config.ValidationPlacement);
        Assert.Equal(40, DistinctMixtures(config));
        TrainingConfig centred = JsonDefaults.Deserialize<TrainingConfig>("{\"validation_placement\": \"centred\"}");
        Assert.Equal(ClipPlacement.Centred, centred.ValidationPlacement);
        Assert.InRange(DistinctMixtures(config with { ValidationPlacement = centred.ValidationPlacement }), 1, 28);
        Assert.Equal(ClipPlacement.Centred, JsonDefaults.Deserialize<TrainingConfig>("{}").ValidationPlacement);
        Assert.Equal(ClipPlacement.Centred, TrainingConfig.Load([Path.Combine(Repo.Root, "configs", "cpu-small-default.json")]).ValidationPlacement);
    }

    // Four 12-frame 64x48 test-pattern videos in DIR/videos.
    private static string FourVideos(TempDir dir)
    {
        string videos = Directory.CreateDirectory(dir.File("videos")).FullName;
        foreach (string source in (string[])["testsrc2", "mandelbrot", "smptebars", "rgbtestsrc"])
            Ffmpeg("-f", "lavfi", "-i", $"{source}=size=64x48:rate=10", "-frames:v", "12", "-pix_fmt", "yuv420p",
                Path.Combine(videos, source + ".mp4"));
        return videos;
    }

    private static float[] Copy(Centrifuge.Data.BlendedBatch batch)
    {
        using (batch) return [.. batch.Mixture.data<float>(), .. batch.Targets.data<float>()];
    }

    /// <summary>
    /// Without --cache, train caches the decoded clips in the user's cache folder (here $CENTRIFUGE_CACHE_DIR), shows
    /// each video it decodes, and a second run in another folder reuses them; --no-cache decodes from the files.
    /// </summary>
    [Fact]
    public void TrainCachesClipsInTheUserCacheByDefault()
    {
        using var dir = new TempDir();
        string videos = FourVideos(dir);
        string? previous = Environment.GetEnvironmentVariable("CENTRIFUGE_CACHE_DIR");
        Environment.SetEnvironmentVariable("CENTRIFUGE_CACHE_DIR", dir.File("user-cache"));
        try
        {
            string[] args = ["train", "--data", videos, "--preset", "tiny", "--iterations", "2", "--val-every", "2",
                "--clip", "4,16,16", "--batch", "2", "--threads", "1"];
            CliResult first = CliRunner.Run([.. args, "--out", dir.File("run1")]);
            Assert.True(first.ExitCode == 0, first.Error + first.Output);
            Assert.Matches(@"prepare: \[4/4\] \S*testsrc2\.mp4: decoded", first.Output);   // as `prepare` shows it
            Assert.Contains("4 decoded, 0 reused", first.Output);
            string cache = Path.Combine(dir.File("user-cache"), "clips", "short-side-19");
            Assert.True(File.Exists(Path.Combine(cache, "index.json")), $"no cache index in {cache}");

            CliResult second = CliRunner.Run([.. args, "--out", dir.File("run2")]);
            Assert.True(second.ExitCode == 0, second.Error);
            Assert.Contains("0 decoded, 4 reused", second.Output);
            Assert.DoesNotContain(": decoded", second.Output);

            CliResult uncached = CliRunner.Run([.. args, "--out", dir.File("run3"), "--no-cache"]);
            Assert.True(uncached.ExitCode == 0, uncached.Error);
            Assert.Contains("clips are not cached (data.cache_clips is false): they are decoded from the video files", uncached.Output);
            Assert.Contains("\"cache_clips\": false", File.ReadAllText(Path.Combine(dir.File("run3"), "config.json")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CENTRIFUGE_CACHE_DIR", previous);
        }
    }

    /// <summary>
    /// Issue 30, case 9f, end to end: `train` on a cache whose clips each have a flipped bit. prepare catches that by
    /// checksum, train (which skips checksums when topping up the cache) used to train on them without a word. Now
    /// every clip the run reads is checked once, rebuilt from its video and reported.
    /// </summary>
    [Fact]
    public void TrainRebuildsABitFlippedCacheClipInsteadOfUsingIt()
    {
        using var dir = new TempDir();
        string videos = FourVideos(dir);
        string cache = dir.File("cache");
        string[] args = ["train", "--data", videos, "--cache", cache, "--preset", "tiny", "--iterations", "1", "--val-every", "1",
            "--clip", "4,16,16", "--batch", "2", "--threads", "1"];
        CliResult first = CliRunner.Run([.. args, "--out", dir.File("run1")]);
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        CacheIndex index = ClipCache.ReadIndex(cache)!;
        Assert.Equal(4, index.Entries.Count);
        foreach (CacheEntry entry in index.Entries)
        {
            string file = Path.Combine(cache, entry.File);
            byte[] bytes = File.ReadAllBytes(file);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(file, bytes);
        }

        CliResult second = CliRunner.Run([.. args, "--out", dir.File("run2")]);
        Assert.True(second.ExitCode == 0, second.Error + second.Output);
        string[] rebuilt = (second.Output + second.Error).Split('\n').Where(l => l.Contains("cached clip damaged (checksum mismatch), rebuilt from the video")).ToArray();
        Assert.NotEmpty(rebuilt);   // a step and a validation read some of the four
        foreach (CacheEntry entry in ClipCache.ReadIndex(cache)!.Entries)
            Assert.Equal(rebuilt.Any(l => l.Contains(entry.Path + ":")), ClipCache.Verify(cache, entry));   // rebuilt exactly the clips it read
    }

    private static void Ffmpeg(params string[] args)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-v", "error", "-y", .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }
}

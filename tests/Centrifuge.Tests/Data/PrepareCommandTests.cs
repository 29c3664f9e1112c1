using Centrifuge.Data;
using Centrifuge.Tests.Data.Support;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Data;

public class PrepareCommandTests
{
    [Fact]
    public void Prepare_caches_good_videos_lists_bad_ones_and_reuses_the_cache_on_a_second_run()
    {
        using var dir = new TempDir();
        TestClips.Video(dir.File("src/a/clip.mp4"), "testsrc2", 64, 48, 12, codec: "libx264");
        TestClips.Video(dir.File("src/b/tiny.mkv"), "mandelbrot", 48, 40, 2);
        File.WriteAllText(dir.File("src/b/notes.mp4"), "not a video");
        string cache = dir.File("cache");

        CliResult first = CliRunner.Run("prepare", "--data", dir.File("src"), "--cache", cache, "--short-side", "24", "--min-frames", "4");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("1 decoded, 0 reused, 0 rebuilt, 2 skipped", first.Output);
        string notes = Assert.Single(first.Output.Split('\n'), l => l.Contains("skipped " + dir.File("src/b/notes.mp4"), StringComparison.Ordinal));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(notes, "notes.mp4"));   // named once, not again in its reason
        Assert.Contains("too short (2 frames, need 4)", first.Output);
        Assert.Contains("prepare: [3/3]", first.Output);  // plain progress lines when redirected

        CacheEntry entry = Assert.Single(ClipCache.ReadIndex(cache)!.Entries);
        Assert.Equal((12, 24, 32), (entry.Frames, entry.Height, entry.Width));
        Assert.True(ClipCache.Verify(cache, entry));

        CliResult second = CliRunner.Run("prepare", "--data", dir.File("src"), "--cache", cache, "--short-side", "24", "--min-frames", "4", "--json");
        Assert.True(second.ExitCode == 0, second.Error);
        PrepareReport report = JsonDefaults.Deserialize<PrepareReport>(second.Output);
        Assert.Equal((0, 1, 2), (report.Decoded, report.Reused, report.Skipped));

        CliResult other = CliRunner.Run("prepare", "--data", dir.File("src"), "--cache", cache, "--short-side", "32");
        Assert.Equal(ExitCodes.IncompatibleModel, other.ExitCode);
        Assert.Contains("short side 24", other.Error);
    }

    [SkippableFact]
    public void Processes_preparing_one_cache_at_once_take_turns_and_lose_nothing()
    {
        using var dir = new TempDir();
        for (int i = 0; i < 6; i++) TestClips.Video(dir.File($"src/v{i}/clip.mkv"), i % 2 == 0 ? "testsrc2" : "mandelbrot", 96, 72, 60);
        string cache = dir.File("cache");
        string[] args = ["prepare", "--data", dir.File("src"), "--cache", cache, "--short-side", "48", "--min-frames", "4", "--json"];

        // Another writer holds the cache: a prepare waits for it, says so, and writes nothing meanwhile.
        Directory.CreateDirectory(cache);
        using (FileStream held = FileLock.Acquire(Path.Combine(cache, ClipCacheBuilder.LockFile), null, TimeSpan.FromSeconds(1)))
        {
            using var waiting = CliProcess.Start(args);
            Assert.True(waiting.WaitForError("another process is preparing this clip cache; waiting for it", TimeSpan.FromSeconds(60)), waiting.Error);
            Assert.Null(ClipCache.ReadIndex(cache));
            held.Dispose();
            Assert.Equal(0, waiting.Exit(TimeSpan.FromSeconds(120)));
            Assert.Equal(6, JsonDefaults.Deserialize<PrepareReport>(waiting.Output).Decoded);
        }

        // Two at once on a fresh cache: each source decoded once in all, by whichever holds the lock.
        Directory.Delete(cache, recursive: true);
        using var first = CliProcess.Start(args);
        using var second = CliProcess.Start(args);
        Assert.Equal((0, 0), (first.Exit(TimeSpan.FromSeconds(120)), second.Exit(TimeSpan.FromSeconds(120))));
        PrepareReport a = JsonDefaults.Deserialize<PrepareReport>(first.Output), b = JsonDefaults.Deserialize<PrepareReport>(second.Output);
        Assert.Equal(6, a.Decoded + b.Decoded);
        Assert.Equal(6, a.Decoded + a.Reused);
        Assert.Equal(6, b.Decoded + b.Reused);

        // A third reads it whole: every entry present, every checksum right.
        CliResult third = CliRunner.Run(args);
        Assert.True(third.ExitCode == 0, third.Error);
        PrepareReport c = JsonDefaults.Deserialize<PrepareReport>(third.Output);
        Assert.Equal((0, 6, 0, 0), (c.Decoded, c.Reused, c.Rebuilt, c.Skipped));
        Assert.All(ClipCache.ReadIndex(cache)!.Entries, e => Assert.True(ClipCache.Verify(cache, e), e.Path));
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(cache, ClipCache.ClipsFolder)), AtomicFile.IsTemp);
    }

    [Fact]
    public void Prepare_on_a_folder_with_symlink_loops_caches_each_video_once_and_names_the_looping_links()
    {
        using var dir = new TempDir();
        TestClips.Video(dir.File("src/a/clip.mkv"), "testsrc2", 64, 48, 8);
        Directory.CreateSymbolicLink(dir.File("src/a/up"), dir.File("src"));
        File.CreateSymbolicLink(dir.File("src/loopA"), dir.File("src/loopB"));
        File.CreateSymbolicLink(dir.File("src/loopB"), dir.File("src/loopA"));

        CliResult r = CliRunner.Run("prepare", "--data", dir.File("src"), "--cache", dir.File("cache"), "--short-side", "24", "--min-frames", "4");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("1 decoded, 0 reused, 0 rebuilt, 2 skipped", r.Output);
        Assert.Contains("skipped " + dir.File("src/loopA") + ": a symbolic link that loops", r.Output);
        Assert.Single(ClipCache.ReadIndex(dir.File("cache"))!.Entries);
    }

    [SkippableFact]
    public void A_fifo_is_refused_in_one_line_by_probe_and_prepare_skips_it_and_goes_on()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "mkfifo");
        using var dir = new TempDir();
        TestClips.Video(dir.File("src/a/clip.mkv"), "testsrc2", 64, 48, 8);
        Directory.CreateDirectory(dir.File("src/b"));
        string fifo = dir.File("src/b/pipe.mp4");   // no writer: opening it would block for ever
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();

        CliResult probe = CliRunner.Run("probe", fifo);
        Assert.Equal(ExitCodes.NotAFile, probe.ExitCode);
        Assert.Contains($"{fifo}: is a pipe or device, not a regular file", Assert.Single(probe.Error.Trim().Split('\n')));

        CliResult prepare = CliRunner.Run("prepare", "--data", dir.File("src"), "--cache", dir.File("cache"), "--short-side", "24", "--min-frames", "4");
        Assert.True(prepare.ExitCode == 0, prepare.Error);
        Assert.Contains("1 decoded, 0 reused, 0 rebuilt, 1 skipped", prepare.Output);
        Assert.Contains($"skipped {fifo}: is a pipe or device", prepare.Output);
    }

    [Fact]
    public void Prepare_fails_clearly_when_nothing_can_be_cached()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("broken.mp4"), "x");
        CliResult r = CliRunner.Run("prepare", "--data", dir.Path, "--cache", dir.File("cache"));
        Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
        Assert.Contains("no source could be cached", r.Error);
        Assert.Equal(ExitCodes.MissingInput, CliRunner.Run("prepare", "--data", dir.File("nothing"), "--cache", dir.File("c")).ExitCode);
    }
}

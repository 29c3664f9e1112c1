using System.Text.Json;
using Centrifuge.Data;
using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Cli;

/// <summary>
/// Issue 19, items 1 and 7, end to end on real files: a damaged video gives every frame ffmpeg can decode, and what
/// it lost is counted and reported (summary, JSON, exit code 21) the same way by probe, prepare, train and separate;
/// a damaged file that loses nothing is a warning; train --cache gives the real reason a file is unusable.
/// </summary>
public sealed class DamagedVideoCliTests(DamagedClips clips) : IClassFixture<DamagedClips>
{
    private const int Promised = 50;   // 2 s at 25 fps

    [Fact]
    public void Probe_counts_the_frames_ffmpeg_decodes_and_what_was_lost_and_exits_21()
    {
        (int damagedFrames, string damagedErrors) = DamagedClips.DecodeWithFfmpeg(clips.Damaged);
        (int truncatedFrames, _) = DamagedClips.DecodeWithFfmpeg(clips.TruncatedMkv);
        Assert.InRange(damagedFrames, 1, Promised - 1);   // the premise: ffmpeg loses some frames of these files
        Assert.NotEmpty(damagedErrors);
        Assert.InRange(truncatedFrames, 1, Promised - 1);

        CliResult result = CliRunner.Run("probe", clips.Clean, clips.Damaged, clips.TruncatedMkv, "--json");
        Assert.Equal(ExitCodes.CompletedWithLosses, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement[] r = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal((Promised, 0), Counts(r[0]));
        Assert.Equal(JsonValueKind.Null, r[0].GetProperty("damage").ValueKind);
        Assert.Equal((damagedFrames, Promised - damagedFrames), Counts(r[1]));
        Assert.Equal((truncatedFrames, Promised - truncatedFrames), Counts(r[2]));
        foreach (JsonElement damaged in r[1..])
        {
            Assert.Equal(JsonValueKind.Null, damaged.GetProperty("error").ValueKind);   // usable, not an error
            Assert.Contains($"{damaged.GetProperty("frames_lost").GetInt32()} lost", damaged.GetProperty("damage").GetString());
        }
        string[] warnings = Lines(result.Error);
        Assert.Equal(2, warnings.Length);
        Assert.StartsWith($"centrifuge: warning: {clips.Damaged}: decode errors", warnings[0]);
        Assert.StartsWith($"centrifuge: warning: {clips.TruncatedMkv}: ", warnings[1]);
    }

    [Fact]
    public void A_file_whose_damage_costs_no_frame_is_only_a_warning()
    {
        (int frames, string errors) = DamagedClips.DecodeWithFfmpeg(clips.DamagedButComplete);
        Assert.Equal(12, frames);      // the premise: ffmpeg reports errors, yet every frame decodes
        Assert.NotEmpty(errors);

        CliResult probe = CliRunner.Run("probe", clips.DamagedButComplete, "--json");
        Assert.True(probe.ExitCode == 0, probe.Error);
        using JsonDocument json = JsonDocument.Parse(probe.Output);
        Assert.Equal((12, 0), Counts(json.RootElement[0]));
        Assert.Contains("none lost", Assert.Single(Lines(probe.Error)));

        using var dir = new TempDir();
        CliResult separate = Separate(dir.File("out"), clips.DamagedButComplete);
        Assert.True(separate.ExitCode == 0, separate.Error);
        Assert.Contains("none lost", separate.Error);
        Assert.Equal(12, VideoProbe.Probe(Path.Combine(dir.File("out"), "damaged-but-complete", "layer-1.mp4")).Frames);
    }

    [Fact]
    public void Separate_writes_every_decodable_frame_and_reports_the_loss_in_json_summary_and_exit_code()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        CliResult result = Separate(outDir, clips.Clean, clips.Damaged, clips.TruncatedMkv, "--json");
        Assert.Equal(ExitCodes.CompletedWithLosses, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement[] items = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(3, items.Length);
        Assert.All(items, i => Assert.True(i.GetProperty("ok").GetBoolean()));
        Assert.Equal([0, ExitCodes.CompletedWithLosses, ExitCodes.CompletedWithLosses], items.Select(i => i.GetProperty("exit_code").GetInt32()));

        foreach ((JsonElement item, string input) in items.Zip([clips.Clean, clips.Damaged, clips.TruncatedMkv]))
        {
            int decodable = DamagedClips.DecodeWithFfmpeg(input).Frames;
            JsonElement summary = item.GetProperty("summary");
            Assert.Equal((decodable, Promised - decodable), Counts(summary));
            string folder = item.GetProperty("output").GetString()!;
            Assert.Equal(decodable, VideoProbe.Probe(Path.Combine(folder, "layer-1.mp4")).Frames);
            using JsonDocument onDisk = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.Equal(Promised - decodable, onDisk.RootElement.GetProperty("frames_lost").GetInt32());
            Assert.Equal(decodable < Promised, onDisk.RootElement.TryGetProperty("damage", out _));
        }
        string[] warnings = Lines(result.Error);
        Assert.Contains(warnings, w => w.StartsWith($"centrifuge: warning: {clips.Damaged}: ") && w.Contains("lost"));
        Assert.Contains(warnings, w => w.StartsWith($"centrifuge: warning: {clips.TruncatedMkv}: ") && w.Contains("lost"));
    }

    [Fact]
    public void A_cut_off_file_that_declares_no_length_lost_an_unknown_number_of_frames_not_none()
    {
        // Issue 30, case 5: a cut-off .ts or streamed .mkv was "damaged … none lost" with exit 0.
        string[] inputs = [clips.TruncatedTs, clips.TruncatedStreamedMkv];
        CliResult probe = CliRunner.Run(["probe", .. inputs, "--json"]);
        Assert.True(probe.ExitCode == ExitCodes.CompletedWithLosses, $"exit {probe.ExitCode}: {probe.Error}");
        using JsonDocument json = JsonDocument.Parse(probe.Output);
        foreach ((JsonElement r, string input) in json.RootElement.EnumerateArray().Zip(inputs))
        {
            Assert.Equal(DamagedClips.DecodeWithFfmpeg(input).Frames, r.GetProperty("frames").GetInt32());
            Assert.Equal("unknown", r.GetProperty("frames_lost").GetString());
            Assert.Contains("an unknown number lost", r.GetProperty("damage").GetString());
        }
        Assert.DoesNotContain("none lost", probe.Error);

        using var dir = new TempDir();
        CliResult separate = Separate(dir.File("out"), [.. inputs, "--json"]);
        Assert.True(separate.ExitCode == ExitCodes.CompletedWithLosses, $"exit {separate.ExitCode}: {separate.Error}");
        using JsonDocument items = JsonDocument.Parse(separate.Output);
        Assert.All(items.RootElement.EnumerateArray(), i =>
        {
            Assert.Equal(ExitCodes.CompletedWithLosses, i.GetProperty("exit_code").GetInt32());
            Assert.Equal("unknown", i.GetProperty("summary").GetProperty("frames_lost").GetString());
        });
        CliResult plain = Separate(dir.File("plain"), clips.TruncatedTs);
        Assert.Equal(ExitCodes.CompletedWithLosses, plain.ExitCode);
        Assert.Contains("an unknown number of frames lost", plain.Output);

        string src = Sources(dir, clips.Clean, clips.TruncatedStreamedMkv);
        CliResult prepare = CliRunner.Run("prepare", "--data", src, "--cache", dir.File("cache"), "--short-side", "32");
        Assert.True(prepare.ExitCode == ExitCodes.CompletedWithLosses, $"exit {prepare.ExitCode}: {prepare.Error}");
        Assert.Contains("an unknown number lost", prepare.Output);
    }

    [Fact]
    public void Separate_keeps_the_frames_after_the_damage_at_their_input_times()
    {
        // Issue 30, case 5: the frames lost in the middle used to close up, so the layers ended 0.08 s early and every
        // frame after the damage ran early. Each layer frame must sit at the time of an input frame, the last at the input's last.
        double[] input = DamagedClips.PacketTimes(clips.Damaged);
        int decodable = DamagedClips.DecodeWithFfmpeg(clips.Damaged).Frames;
        Assert.Equal(Promised, input.Length);   // the premise: every packet is there, some do not decode
        Assert.InRange(decodable, 1, Promised - 1);
        double inputDuration = VideoProbe.Probe(clips.Damaged).DurationSeconds;

        using var dir = new TempDir();
        CliResult result = Separate(dir.File("out"), clips.Damaged);
        Assert.True(result.ExitCode == ExitCodes.CompletedWithLosses, $"exit {result.ExitCode}: {result.Error}");
        foreach (string video in new[] { "layer-1.mp4", "pair-a.mp4", "preview.mp4" })
        {
            string path = Path.Combine(dir.File("out"), "damaged", video);
            double[] output = DamagedClips.PacketTimes(path);
            Assert.Equal(decodable, output.Length);
            Assert.True(Math.Abs(output[^1] - input[^1]) < 0.0015, $"{video}: last frame at {output[^1]} s, the input's at {input[^1]} s");
            foreach (double t in output)
                Assert.True(input.Any(i => Math.Abs(i - t) < 0.0015), $"{video}: a frame at {t} s, between the input's frames");
            Assert.Equal(inputDuration, VideoProbe.Probe(path).DurationSeconds, 2);
        }
    }

    [Fact]
    public void Prepare_caches_what_decodes_lists_the_damage_and_exits_21_also_when_reusing()
    {
        using var dir = new TempDir();
        string src = Sources(dir, clips.Clean, clips.Damaged);
        string damaged = Path.Combine(src, "b", Path.GetFileName(clips.Damaged));
        int decodable = DamagedClips.DecodeWithFfmpeg(clips.Damaged).Frames;
        string cache = dir.File("cache");
        foreach (string run in new[] { "decoded", "reused" })
        {
            CliResult result = CliRunner.Run("prepare", "--data", src, "--cache", cache, "--short-side", "32");
            Assert.True(result.ExitCode == ExitCodes.CompletedWithLosses, $"{run}: exit {result.ExitCode}: {result.Error}");
            Assert.Contains($"  damaged {damaged}: decode errors", result.Output);
            Assert.Contains($"{Promised - decodable} lost", result.Output);
        }
        CacheEntry entry = ClipCache.ReadIndex(cache)!.Entries.Single(e => e.Path == damaged);
        Assert.Equal((decodable, Promised - decodable), (entry.Frames, entry.FramesLost.Count));
    }

    [Fact]
    public void Train_on_a_damaged_video_says_so_and_exits_21()
    {
        using var dir = new TempDir();
        string src = TrainingSources(dir, clips.Clean, clips.Damaged);
        CliResult result = CliRunner.Run("train", "--data", src, "--preset", "tiny", "--out", dir.File("run"), "--iterations", "2",
            "--clip", "4,32,32", "--batch", "1", "--threads", "1");
        Assert.True(result.ExitCode == ExitCodes.CompletedWithLosses, $"exit {result.ExitCode}: {result.Error}");
        Assert.Contains($"damaged {Path.Combine(src, "b", Path.GetFileName(clips.Damaged))}: decode errors", result.Output);
        Assert.Contains("training on the frames that decoded", result.Output);
    }

    [Fact]
    public void Train_with_a_cache_gives_the_real_reason_for_empty_text_and_truncated_files()
    {
        using var dir = new TempDir();
        string src = TrainingSources(dir, clips.Clean, clips.TruncatedMkv);
        string empty = Path.Combine(src, "c", "empty.mp4"), text = Path.Combine(src, "c", "notes.mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(empty)!);
        File.WriteAllBytes(empty, []);
        File.WriteAllText(text, "not a video\n");
        string cut = Path.Combine(src, "c", "cut.mp4");
        byte[] clean = File.ReadAllBytes(clips.Clean);
        File.WriteAllBytes(cut, clean[..2000]);   // nothing decodable is left

        CliResult result = CliRunner.Run("train", "--data", src, "--cache", dir.File("cache"), "--preset", "tiny", "--out", dir.File("run"),
            "--iterations", "2", "--clip", "4,32,32", "--batch", "1", "--threads", "1");
        Assert.True(result.ExitCode == ExitCodes.CompletedWithLosses, $"exit {result.ExitCode}: {result.Error}");   // the truncated MKV is used
        Assert.Contains($"skipped {empty}: file is empty (0 bytes)", result.Output);
        Assert.Contains($"skipped {text}: not a video ffmpeg can read", result.Output);
        Assert.Contains($"skipped {cut}: ", result.Output);
        Assert.DoesNotContain($"{cut}: {cut}", result.Output);
        Assert.DoesNotContain("not in the cache", result.Output);
        Assert.Contains($"damaged {Path.Combine(src, "b", Path.GetFileName(clips.TruncatedMkv))}", result.Output);
    }

    private CliResult Separate(string outDir, params string[] args) =>
        CliRunner.Run(["separate", .. args, "-o", outDir, "--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2"]);

    // SRC/a/<first>, SRC/b/<second>: one source video per folder (a folder is a group, so each is its own video).
    private static string Sources(TempDir dir, string first, string second)
    {
        string src = dir.File("src");
        foreach ((string folder, string file) in new[] { ("a", first), ("b", second) })
        {
            Directory.CreateDirectory(Path.Combine(src, folder));
            File.Copy(file, Path.Combine(src, folder, Path.GetFileName(file)));
        }
        return src;
    }

    // Sources plus SRC/z/<a third video>: with one video held out for validation, training still blends two different
    // ones (a training split of one video is refused: issue 30, case 6).
    private static string TrainingSources(TempDir dir, string first, string second)
    {
        string src = Sources(dir, first, second);
        Directory.CreateDirectory(Path.Combine(src, "z"));
        File.Copy(first, Path.Combine(src, "z", "third-" + Path.GetFileName(first)));
        return src;
    }

    private static (int Frames, int Lost) Counts(JsonElement e) => (e.GetProperty("frames").GetInt32(), e.GetProperty("frames_lost").GetInt32());

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

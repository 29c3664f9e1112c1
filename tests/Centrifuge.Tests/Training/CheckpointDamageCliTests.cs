using System.Security.Cryptography;
using System.Text;
using Centrifuge.Models;
using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

/// <summary>
/// Issue 19, item 3, end to end: every checkpoint and model file carries a SHA-256 checksum that each load verifies
/// (resume, --init, separate --model, evaluate); resuming falls back to the newest intact checkpoint and says so, and
/// stops without touching anything when none is intact. Files written before checksums existed still load.
/// </summary>
[Collection(TrainingFixtures.Collection)]
public sealed class CheckpointDamageCliTests
{
    private const string Checksum = "is damaged (its SHA-256 checksum does not match";

    private static string[] Tiny(string outDir, params string[] extra) =>
        ["train", "--data", TrainingConfig.SyntheticShapes, "--preset", "tiny", "--out", outDir, "--threads", "1", "--clip", "2,16,16",
         "--batch", "2", .. extra];

    // A run of 6 iterations with checkpoints at 2, 4 and 6 and a best.ckpt.
    private static string Run(TempDir dir)
    {
        string run = dir.File("run");
        CliResult result = CliRunner.Run(Tiny(run, "--iterations", "6", "--checkpoint-every", "2", "--val-every", "2"));
        Assert.True(result.ExitCode == 0, result.Error);
        return run;
    }

    private static string Checkpoint(string run, int iteration) => Path.Combine(run, "checkpoints", $"step-{iteration:D9}.ckpt");

    // One byte in the middle of the file (inside the weights) turned over, the size unchanged: what bit rot does.
    private static void FlipAByte(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Resume_falls_back_to_the_newest_intact_checkpoint_and_says_so()
    {
        using var dir = new TempDir();
        string run = Run(dir);
        FlipAByte(Checkpoint(run, 6));

        CliResult resumed = CliRunner.Run(["train", "--out", run, "--resume", "--iterations", "8"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"skipping {Checkpoint(run, 6)}: training checkpoint {Checksum}", resumed.Output);
        Assert.Contains($"falling back to {Checkpoint(run, 4)} (iteration 4)", resumed.Output);
        Assert.Contains("at iteration 4 of 8", resumed.Output);
        Assert.Equal(8, TrainingCheckpoint.ReadState(Checkpoint(run, 8)).Iteration);
    }

    [Fact]
    public void Resume_with_every_checkpoint_damaged_stops_with_a_clear_error_and_touches_nothing()
    {
        using var dir = new TempDir();
        string run = Run(dir);
        foreach (int i in new[] { 2, 4, 6 }) FlipAByte(Checkpoint(run, i));
        Dictionary<string, string> before = Snapshot(run);

        CliResult resumed = CliRunner.Run(["train", "--out", run, "--resume", "--iterations", "8"]);
        Assert.Equal(ExitCodes.InvalidInput, resumed.ExitCode);
        Assert.Equal($"centrifuge: error: {Path.Combine(run, "checkpoints")}: none of the 3 checkpoints can be loaded (all damaged, see above); " +
                     "nothing was changed (restore a checkpoint, or start over with --force)", resumed.Error.Trim());
        Assert.Equal(3, resumed.Output.Split('\n').Count(l => l.Contains(Checksum)));
        Assert.Equal(before, Snapshot(run));   // metrics.jsonl, config.json, checkpoints: byte for byte, and no new file
    }

    [Fact]
    public void A_damaged_model_file_is_refused_by_init_separate_and_evaluate_in_one_line()
    {
        using var dir = new TempDir();
        string bad = dir.File("bad.ckpt");
        File.Copy(Path.Combine(Run(dir), "best.ckpt"), bad);
        FlipAByte(bad);
        string video = dir.File("clip.mp4");
        Assert.Equal(0, Centrifuge.Video.FfmpegProcess.Run(Centrifuge.Video.FfmpegInstallation.Default.FfmpegPath,
            ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10", "-frames:v", "8", "-pix_fmt", "yuv420p", video]).ExitCode);

        CliResult[] refused =
        [
            CliRunner.Run(Tiny(dir.File("init"), "--iterations", "2", "--init", bad)),
            CliRunner.Run("separate", video, "-o", dir.File("out"), "--model", bad),
            CliRunner.Run("evaluate", "--model", bad, "--data", dir.Path, "--pairs", "1"),
        ];
        foreach (CliResult r in refused)
        {
            Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
            Assert.Matches($"^centrifuge: error: .*bad.ckpt: model checkpoint {System.Text.RegularExpressions.Regex.Escape(Checksum)}", r.Error.Trim());
            Assert.Single(r.Error.Trim().Split('\n'));
        }
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Files_written_before_checksums_still_load()
    {
        using var dir = new TempDir();
        string run = Run(dir);
        // The first formats: a model file with magic CENTRIFUGE-MODEL1 and no trailer; a training checkpoint of
        // format 1 with the end marker but no hash before it.
        string legacyModel = dir.File("legacy.ckpt");
        byte[] model = File.ReadAllBytes(Path.Combine(run, "best.ckpt"));
        byte[] v1 = model[..^40];
        Encoding.ASCII.GetBytes("CENTRIFUGE-MODEL1\n").CopyTo(v1, 0);
        File.WriteAllBytes(legacyModel, v1);
        using (CentrifugeModel loaded = ModelCheckpoint.Load(legacyModel)) Assert.Equal(ModelPresets.Get("tiny").Layers, loaded.Config.Layers);

        byte[] checkpoint = File.ReadAllBytes(Checkpoint(run, 6));
        byte[] old = [.. checkpoint[..^40], .. checkpoint[^8..]];
        BitConverter.GetBytes(1).CopyTo(old, 8);
        File.Delete(Checkpoint(run, 6));
        File.WriteAllBytes(Checkpoint(run, 6), old);
        CliResult resumed = CliRunner.Run(["train", "--out", run, "--resume", "--iterations", "7"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("at iteration 6 of 7", resumed.Output);
    }

    [SkippableFact]
    public void The_shipped_model_loads()
    {
        string shipped = Path.Combine(Repo.Root, Centrifuge.Runtime.ShippedModel.RelativePath);
        Skip.IfNot(File.Exists(shipped), "the shipped model is not in this checkout");
        using CentrifugeModel model = ModelCheckpoint.Load(shipped);
        Assert.True(model.Config.Layers >= 2);
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) + "@" + File.GetLastWriteTimeUtc(f).Ticks);
}

using System.Diagnostics;
using Centrifuge.Models;
using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainCommandTests
{
    private static string[] Tiny(string outDir, params string[] extra) =>
        ["train", "--data", TrainingConfig.SyntheticShapes, "--preset", "tiny", "--out", outDir, "--threads", "1", .. extra];

    /// <summary>Issue 30, case 8: a clip the loss cannot take is refused before any work, so the rerun needs no --force.</summary>
    [Fact]
    public void A_clip_too_small_for_the_loss_is_refused_before_any_work_and_the_corrected_rerun_needs_no_force()
    {
        using var dir = new TempDir();
        string run = dir.File("run");
        CliResult refused = CliRunner.Run(Tiny(run, "--iterations", "2", "--clip", "1,1,1"));
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains("clip 1x1x1", refused.Error);
        Assert.DoesNotContain("internal error", refused.Error);
        Assert.Empty(Directory.Exists(run) ? Directory.GetFileSystemEntries(run) : []);

        CliResult rerun = CliRunner.Run(Tiny(run, "--iterations", "2", "--clip", "2,8,8", "--batch", "2"));
        Assert.True(rerun.ExitCode == 0, rerun.Error);
    }

    [Fact]
    public void TrainsIntoARunFolderWithConfigMetricsPlotAndALoadableBestModel()
    {
        using var dir = new TempDir();
        string run = dir.File("run");
        CliResult result = CliRunner.Run(Tiny(run, "--iterations", "6", "--val-every", "3", "--checkpoint-every", "3",
            "--clip", "2,16,16", "--batch", "2", "--seed", "4", "--lr", "0.002"));

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("validation at 6:", result.Output);
        Assert.Contains("iteration 6/6", result.Output);   // redirected output: plain progress lines
        Assert.Contains("done: 6 iterations", result.Output);

        TrainingConfig written = TrainingConfig.Load(Path.Combine(run, "config.json"));
        Assert.Equal(6, written.Iterations);
        Assert.Equal((2, 16, 16, 2), (written.Data.Frames, written.Data.Height, written.Data.Width, written.Data.BatchSize));
        Assert.Equal(4, written.Seed);
        Assert.Equal(4, written.Data.Seed);
        Assert.Equal(0.002, written.LearningRate);
        Assert.Equal(OptimizerKind.Adam, written.Optimizer);

        string[] metrics = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Assert.Equal(3, metrics.Count(l => l.Contains("\"kind\":\"validation\"")));   // at 0, 3 and 6
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(run, "loss.png"))[..4]);
        using CentrifugeModel best = ModelCheckpoint.Load(Path.Combine(run, "best.ckpt"));
        Assert.Equal(written.Model, best.Config);
        Assert.Equal(6, TrainingCheckpoint.ReadState(Path.Combine(run, "checkpoints", "step-000000006.ckpt")).Iteration);
    }

    [Fact]
    public void InitStartsFromAModelCheckpointAndRecordsItInTheConfig()
    {
        using var dir = new TempDir();
        string first = dir.File("first");
        Assert.Equal(0, CliRunner.Run(Tiny(first, "--iterations", "2", "--clip", "2,16,16", "--batch", "2")).ExitCode);

        string second = dir.File("second");
        CliResult result = CliRunner.Run(Tiny(second, "--iterations", "2", "--clip", "2,16,16", "--batch", "2",
            "--init", Path.Combine(first, "best.ckpt")));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("starting from the weights of", result.Output);
        Assert.Equal(Path.Combine(first, "best.ckpt"), TrainingConfig.Load(Path.Combine(second, "config.json")).InitialWeights);

        CliResult missing = CliRunner.Run(Tiny(dir.File("third"), "--iterations", "2", "--init", dir.File("none.ckpt")));
        Assert.Equal(ExitCodes.MissingInput, missing.ExitCode);
        Assert.Contains("none.ckpt: checkpoint not found", missing.Error);
        Assert.DoesNotContain("   at ", missing.Error);
    }

    [Fact]
    public void RefusesANonEmptyRunFolderWithoutResumeOrForce()
    {
        using var dir = new TempDir();
        string run = dir.File("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "notes.txt"), "mine");

        CliResult refused = CliRunner.Run(Tiny(run, "--iterations", "2"));
        Assert.Equal(ExitCodes.OutputExists, refused.ExitCode);
        Assert.Contains("--resume", refused.Error);

        CliResult forced = CliRunner.Run(Tiny(run, "--iterations", "2", "--force"));
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "notes.txt")));   // --force only replaces the run's own files
    }

    [Fact]
    public void ResumeContinuesFromTheLastCheckpointAndMayExtendTheRun()
    {
        using var dir = new TempDir();
        string run = dir.File("run");
        Assert.Equal(0, CliRunner.Run(Tiny(run, "--iterations", "4", "--checkpoint-every", "2")).ExitCode);

        CliResult resumed = CliRunner.Run(["train", "--out", run, "--resume", "--iterations", "6"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("resumed from", resumed.Output);
        Assert.Contains("step-000000004.ckpt at iteration 4 of 6", resumed.Output);
        Assert.Contains("config changed on resume: iterations: 4 -> 6", resumed.Output);
        Assert.Equal(6, TrainingConfig.Load(Path.Combine(run, "config.json")).Iterations);
    }

    [Fact]
    public void WithoutDataOrPresetItSaysWhatIsMissing()
    {
        using var dir = new TempDir();
        CliResult noPreset = CliRunner.Run(["train", "--data", TrainingConfig.SyntheticShapes, "--out", dir.File("a")]);
        Assert.Equal(ExitCodes.Usage, noPreset.ExitCode);
        Assert.Contains("--preset", noPreset.Error);
        CliResult noData = CliRunner.Run(["train", "--preset", "tiny", "--out", dir.File("b")]);
        Assert.Equal(ExitCodes.Usage, noData.ExitCode);
        Assert.Contains("--data is required", noData.Error);
    }

    /// <summary>
    /// Issue 19, item 6: with too few videos to hold some out and still blend two different ones, there is no validation
    /// (never a video blended with itself, identity loss 0): the run says so, best.ckpt is the last weights, and
    /// evaluating on a single video is refused in one line.
    /// </summary>
    [Fact]
    public void WithTooFewVideosForValidationItSaysSoAndBestIsTheLastWeights()
    {
        using var dir = new TempDir();
        string src = dir.File("src");
        foreach (string source in new[] { "testsrc2", "mandelbrot", "rgbtestsrc" })
            Centrifuge.Tests.Data.Support.TestClips.Video(Path.Combine(src, source, source + ".mkv"), source, 48, 40, 12);
        string run = dir.File("run");
        CliResult result = CliRunner.Run("train", "--data", src, "--preset", "tiny", "--out", run, "--iterations", "4", "--val-every", "2",
            "--checkpoint-every", "2", "--clip", "4,32,32", "--batch", "1", "--threads", "1");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("no validation: the validation split has 1 usable source video (", result.Output);
        Assert.Contains("a blend needs two different ones", result.Output);
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")), l => l.Contains("\"kind\":\"validation\""));

        TrainingConfig config = TrainingConfig.Load(Path.Combine(run, "config.json"));
        var (last, optimizer) = TrainingFixtures.LoadCheckpoint(config, Path.Combine(run, "checkpoints", "step-000000004.ckpt"));
        using (last)
        using (optimizer)
        using (CentrifugeModel best = ModelCheckpoint.Load(Path.Combine(run, "best.ckpt")))
            foreach ((string key, TorchSharp.torch.Tensor tensor) in last.state_dict())
                Assert.True(tensor.eq(best.state_dict()[key]).all().item<bool>(), key);

        CliResult evaluate = CliRunner.Run("evaluate", "--model", Path.Combine(run, "best.ckpt"), "--data", Path.Combine(src, "mandelbrot"),
            "--pairs", "2", "--clip", "4,32,32");
        Assert.Equal(ExitCodes.InvalidInput, evaluate.ExitCode);
        Assert.Contains("1 usable source video (", evaluate.Error);
        Assert.Single(evaluate.Error.Trim().Split('\n'));
    }

    /// <summary>
    /// The real executable as a child process: SIGINT (what Ctrl-C sends) or SIGTERM (what `kill` and service managers
    /// send) finishes the current step, writes a checkpoint and exits 130 / 143 (so `train &amp;&amp; evaluate` stops there);
    /// the checkpoint loads and --resume continues.
    /// </summary>
    [SkippableTheory]
    [InlineData("INT", ExitCodes.Interrupted)]
    [InlineData("TERM", ExitCodes.Terminated)]
    public void ASignalSavesACheckpointAndExits130Or143(string signal, int expectedCode)
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals only");
        // A shell starts background jobs with SIGINT ignored, children inherit that, and .NET then leaves it ignored:
        // Ctrl-C cannot reach such a process at all, so there is nothing to test (SIGTERM still is).
        Skip.If(signal == "INT" && SigintIgnoredByInheritance(), "SIGINT is ignored in this process tree (started in the background by a shell)");
        using var dir = new TempDir();
        string run = dir.File("run");
        using var training = CliProcess.Start(Tiny(run, "--iterations", "1000000", "--checkpoint-every", "100000"));
        Assert.True(training.WaitFor("iteration ", TimeSpan.FromMinutes(3)), "training did not start: " + training.Error);
        training.Signal(signal);
        Assert.True(training.WaitForExit(TimeSpan.FromMinutes(2)), $"the process did not stop after SIG{signal}");
        Assert.True(training.Process.ExitCode == expectedCode, $"exit {training.Process.ExitCode}: {training.Error}");
        string text = training.Output;
        Assert.Contains("interrupted at iteration", text);
        var checkpoints = new CheckpointStore(Path.Combine(run, "checkpoints"), 3).List();
        (long iteration, string path) = checkpoints[^1];
        Assert.True(iteration > 0, "the interruption wrote a checkpoint past the initial one");
        Assert.Equal(iteration, TrainingCheckpoint.ReadState(path).Iteration);
        Assert.Contains($"step-{iteration:D9}.ckpt", text);

        CliResult resumed = CliRunner.Run(["train", "--out", run, "--resume", "--iterations", (iteration + 2).ToString()]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"at iteration {iteration} of {iteration + 2}", resumed.Output);
    }

    /// <summary>
    /// A signal during a long validation abandons it and saves the step it was validating within seconds (a service
    /// manager's grace period), not after the validation; a second signal quits at once with an exit code that does not
    /// claim a checkpoint, or the step is saved.
    /// </summary>
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void ASignalDuringAValidationEndsItAndSavesTheValidatedStep(int signals)
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals only");
        using var dir = new TempDir();
        string run = dir.File("run"), patch = dir.File("long-validation.json");
        File.WriteAllText(patch, """{ "validation_pairs": 1000000, "validate_at_start": false }""");   // minutes of validation
        using var training = CliProcess.Start(Tiny(run, "--config", patch, "--iterations", "1000000", "--val-every", "5",
            "--checkpoint-every", "100000", "--clip", "2,16,16", "--batch", "2"));
        Assert.True(training.WaitFor("validating at 5", TimeSpan.FromMinutes(3)), "no validation began: " + training.Error);
        for (int i = 0; i < signals; i++) training.Signal("TERM");
        Assert.True(training.WaitForExit(TimeSpan.FromSeconds(60)), "the process was still validating 60 s after SIGTERM");

        int code = training.Process.ExitCode;
        var checkpoints = new CheckpointStore(Path.Combine(run, "checkpoints"), 3).List();
        Assert.DoesNotContain("validation at 5:", training.Output);
        if (code == ExitCodes.StoppedUnsaved)
        {
            Assert.Equal(2, signals);
            Assert.Contains("quitting without saving", training.Error);
            return;
        }
        Assert.True(code == ExitCodes.Terminated, $"exit {code}: {training.Error}");
        Assert.Contains("validation at 5 abandoned", training.Output);
        Assert.Equal(5, checkpoints[^1].Iteration);
        Assert.Equal(5, TrainingCheckpoint.ReadState(checkpoints[^1].Path).Iteration);
    }

    // Linux: bit 2 (SIGINT) of the SigIgn mask in /proc/self/status. Elsewhere: assume not ignored.
    private static bool SigintIgnoredByInheritance()
    {
        if (!File.Exists("/proc/self/status")) return false;
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    private static string CliDll => CliRunner.ExecutableDll;
}

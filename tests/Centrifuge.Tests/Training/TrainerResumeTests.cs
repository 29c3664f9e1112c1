using Centrifuge.Models;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainerResumeTests
{
    /// <summary>
    /// N iterations straight vs N/2, stop (as Ctrl-C does), resume, N/2 more: the final weights, batch-norm statistics
    /// and optimizer state are the same (to float tolerance: tests running in parallel may change libtorch's
    /// thread count), because the checkpoint holds everything the next step depends on.
    /// </summary>
    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    public void StoppingAndResumingReproducesAnUninterruptedRun(OptimizerKind kind)
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(16, kind) with { CheckpointEvery = 6, ValidationEvery = 5, ValidateAtStart = true };

        // Both runs start from the same initial checkpoint: the global libtorch generator that initialises weights is
        // shared with tests running in parallel, so two fresh Create calls need not draw the same numbers here.
        // The shared start is step 1, stopped there with its validation at 0 done (a token cancelled before the start would
        // now abandon that validation, as a signal does: issue 30).
        using var stopAtOne = new CancellationTokenSource();
        var afterOne = new TrainingFixtures.Recorder { OnStep = p => { if (p.Iteration == 1) stopAtOne.Cancel(); } };
        TrainingOutcome initial = Trainer.Run(config, RunFolder.Open(dir.File("initial"), false, false), false, events: afterOne, cancel: stopAtOne.Token);
        Assert.Equal(1, initial.Iteration);
        CopyFolder(dir.File("initial"), dir.File("straight"));
        CopyFolder(dir.File("initial"), dir.File("split"));

        TrainingOutcome straight = Trainer.Run(config, RunFolder.Open(dir.File("straight"), true, false), true);
        Assert.Equal(TrainingStopReason.Completed, straight.Reason);

        using var stop = new CancellationTokenSource();
        var stopAtHalf = new TrainingFixtures.Recorder { OnStep = p => { if (p.Iteration == 8) stop.Cancel(); } };
        TrainingOutcome first = Trainer.Run(config, RunFolder.Open(dir.File("split"), true, false), true, events: stopAtHalf, cancel: stop.Token);
        Assert.Equal(TrainingStopReason.Interrupted, first.Reason);
        Assert.Equal(8, first.Iteration);
        Assert.EndsWith("step-000000008.ckpt", first.Checkpoint);

        var resumed = new TrainingFixtures.Recorder();
        TrainingOutcome second = Trainer.Run(config, RunFolder.Open(dir.File("split"), true, false), true, events: resumed);
        Assert.Equal(TrainingStopReason.Completed, second.Reason);
        Assert.Equal(8, resumed.Start!.FirstIteration);
        Assert.Equal(8, resumed.Steps.Count);

        AssertSameCheckpoint(config, straight.Checkpoint!, second.Checkpoint!);
        Assert.Equal(straight.BestValidationLoss, second.BestValidationLoss);
        // metrics.jsonl holds each validation once, in order, as if the run had never stopped.
        var log = new MetricsLog(Path.Combine(dir.Path, "split", "metrics.jsonl"));
        log.Resume(long.MaxValue);
        Assert.Equal([0L, 5, 10, 15, 16], log.Validation.Select(v => v.Iteration));
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void AssertSameCheckpoint(TrainingConfig config, string a, string b)
    {
        var (modelA, optA) = TrainingFixtures.LoadCheckpoint(config, a);
        var (modelB, optB) = TrainingFixtures.LoadCheckpoint(config, b);
        var sa = modelA.state_dict();
        var sb = modelB.state_dict();
        foreach (string key in sa.Keys)
            Assert.True(sa[key].is_floating_point() ? sa[key].allclose(sb[key], rtol: 1e-4, atol: 1e-6) : sa[key].eq(sb[key]).all().item<bool>(), $"{key} differs after resume");
        // Optimizer state: identical buffers serialise to identical bytes.
        using var ma = new MemoryStream();
        using var mb = new MemoryStream();
        optA.save_state_dict(new BinaryWriter(ma));
        optB.save_state_dict(new BinaryWriter(mb));
        Assert.Equal(ma.Length, mb.Length);
    }

    [Fact]
    public void ResumeWithoutACheckpointStartsFresh()
    {
        using var dir = new TempDir();
        var recorder = new TrainingFixtures.Recorder();
        TrainingOutcome outcome = Trainer.Run(TrainingFixtures.Tiny(3), RunFolder.Open(dir.File("run"), true, false), true, events: recorder);
        Assert.Equal(TrainingStopReason.Completed, outcome.Reason);
        Assert.Null(recorder.Start!.ResumedFrom);
        Assert.Equal(0, recorder.Start.FirstIteration);
    }

    [Fact]
    public void ResumingWithAnotherModelIsRefused()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(2);
        Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false);
        var other = config with { Model = config.Model with { Layers = 3 } };
        var error = Assert.Throws<CentrifugeException>(() => Trainer.Run(other, RunFolder.Open(dir.File("run"), true, false), true));
        Assert.Equal(ExitCodes.IncompatibleModel, error.ExitCode);
        Assert.Contains("layers", error.Message);
    }
}

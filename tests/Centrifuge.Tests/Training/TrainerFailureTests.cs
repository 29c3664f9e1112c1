using Centrifuge.Data;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainerFailureTests
{
    /// <summary>Training batches that are NaN the first time the given iterations are drawn (a transient fault).</summary>
    private sealed class PoisonedBatches(ITrainingBatches inner, params long[] poisoned) : ITrainingBatches
    {
        private readonly HashSet<long> _poisoned = [.. poisoned];
        public string Description => "poisoned " + inner.Description;
        public BlendedBatch Training(long index)
        {
            BlendedBatch batch = inner.Training(index);
            return _poisoned.Remove(index) ? batch with { Mixture = batch.Mixture * double.NaN } : batch;
        }
        public IEnumerable<BlendedBatch> Validation() => inner.Validation();
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void ANonFiniteLossSkipsTheStepWithoutTouchingTheModel()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(6);
        var recorder = new TrainingFixtures.Recorder();
        TrainingOutcome outcome = Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false,
            new PoisonedBatches(SyntheticShapesBatches.From(config), 2), recorder);

        Assert.Equal(TrainingStopReason.Completed, outcome.Reason);
        Assert.True(recorder.Steps[2].Skipped);
        Assert.Single(recorder.Steps, s => s.Skipped);
        Assert.Contains(recorder.Notes, n => n.Contains("iteration 3: loss is NaN; step skipped"));
        TrainingState state = TrainingCheckpoint.ReadState(outcome.Checkpoint!);
        Assert.Equal(1.0, state.LrScale);
        // Batch-norm statistics were restored after the NaN forward pass, so validation is finite.
        Assert.True(double.IsFinite(Validate(config, outcome.Checkpoint!)));
    }

    [Fact]
    public void SeveralNonFiniteLossesInARowReloadTheLastGoodCheckpointAtHalfTheLearningRate()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(10) with { NonFiniteTolerance = 3, CheckpointEvery = 4 };
        var recorder = new TrainingFixtures.Recorder();
        TrainingOutcome outcome = Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false,
            new PoisonedBatches(SyntheticShapesBatches.From(config), 5, 6, 7), recorder);

        Assert.Equal(TrainingStopReason.Completed, outcome.Reason);
        string reload = Assert.Single(recorder.Notes, n => n.Contains("reloaded"));
        Assert.Contains("3 non-finite losses in a row", reload);
        Assert.Contains("step-000000004.ckpt (iteration 4)", reload);
        Assert.Contains("x0.5", reload);
        TrainingState state = TrainingCheckpoint.ReadState(outcome.Checkpoint!);
        Assert.Equal(10, state.Iteration);
        Assert.Equal(0.5, state.LrScale);
        Assert.Equal(1, state.NonFiniteReloads);
        // After the reload the learning rate is halved: steps 5.. run at half the schedule's rate.
        var afterReload = recorder.Steps.SkipWhile(s => !s.Skipped).SkipWhile(s => s.Skipped).ToList();
        Assert.Equal(5, afterReload[0].Iteration);
        Assert.Equal(0.5 * LearningRateSchedule.From(config).At(4), afterReload[0].LearningRate, 12);
    }

    [Fact]
    public void ARunThatNeverRecoversStopsWithAClearError()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(10) with { NonFiniteTolerance = 2, MaxNonFiniteReloads = 2 };
        var always = new PoisonedBatches(SyntheticShapesBatches.From(config), []);
        var alwaysNaN = new AlwaysNaN(SyntheticShapesBatches.From(config));
        var error = Assert.Throws<CentrifugeException>(() =>
            Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false, alwaysNaN));
        Assert.Contains("diverged", error.Message);
        always.Dispose();
    }

    private sealed class AlwaysNaN(ITrainingBatches inner) : ITrainingBatches
    {
        public string Description => inner.Description;
        public BlendedBatch Training(long index) { var b = inner.Training(index); return b with { Mixture = b.Mixture * double.NaN }; }
        public IEnumerable<BlendedBatch> Validation() => inner.Validation();
        public void Dispose() => inner.Dispose();
    }

    private static double Validate(TrainingConfig config, string checkpoint)
    {
        var (model, _) = TrainingFixtures.LoadCheckpoint(config, checkpoint);
        using var data = SyntheticShapesBatches.From(config);
        return Validator.Run(model, data.Validation(), CPU, 0).Loss;
    }
}

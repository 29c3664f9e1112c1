using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainerLearnsTests
{
    /// <summary>
    /// The key test: the tiny preset (Adam 1e-3, 600 steps of 4x16x16 clips) on blends of two moving-shape
    /// videos (a bright square over a dark horizontal gradient, a dark disc over a light vertical one) drives the
    /// validation PIT loss well below the identity baseline (every output layer = the mixture) and the untrained
    /// model, in well under a minute on an idle 2-core CPU. (The seed matters more than it should: with batch 4, some
    /// initialisations learn to lean on per-batch batch-norm statistics and score worse in eval mode — see the report
    /// of issue 6: seeds 3/3 and 11/11 reach ratio ~0.5, model seed 5 with data seed 11 ends near 1.)
    /// </summary>
    [Fact]
    public void TinyModelOnMovingShapesBeatsTheIdentityBaseline()
    {
        using var dir = new TempDir();
        var tiny = TrainingPresets.Get("tiny");
        var config = tiny with
        {
            Data = tiny.Data with { Sources = [TrainingConfig.SyntheticShapes], Seed = 3 },
            Seed = 3,
            Threads = 1,
        };
        var recorder = new TrainingFixtures.Recorder();
        TrainingOutcome outcome = Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false, events: recorder);

        Assert.Equal(TrainingStopReason.Completed, outcome.Reason);
        ValidationResult untrained = recorder.Validations[0];
        ValidationResult last = recorder.Validations[^1];
        Assert.Equal(0, untrained.Iteration);
        Assert.Equal(600, last.Iteration);
        Assert.True(last.Ratio < 0.7, $"validation loss {last.Loss:F4} vs identity {last.IdentityLoss:F4} (ratio {last.Ratio:F3})");
        Assert.True(last.Loss < 0.7 * untrained.Loss, $"trained {last.Loss:F4} vs untrained {untrained.Loss:F4}");
    }
}

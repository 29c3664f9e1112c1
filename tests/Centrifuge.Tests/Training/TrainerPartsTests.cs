using Centrifuge.Losses;
using Centrifuge.Models;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Training;

/// <summary>The Trainer trains what its caller hands it: a model, an optimizer, a loss, batches and a schedule built by hand.</summary>
[Collection(TrainingFixtures.Collection)]
public sealed class TrainerPartsTests
{
    /// <summary>Issue 29: a training's --threads (its config's threads) reaches libtorch through ComputeOptions, read back from libtorch.</summary>
    [Fact]
    public void TheConfigsThreadsAreTheThreadsLibtorchTrainsWith()
    {
        int before = torch.get_num_threads();
        try
        {
            int threads = before == 1 ? 2 : 1;
            TrainingConfig config = TrainingFixtures.Tiny(1) with { Threads = threads };
            using (TrainingParts.FromConfig(config, SyntheticShapesBatches.From(config)))
                Assert.Equal(threads, torch.get_num_threads());
            using (TrainingParts.FromConfig(config with { Threads = 0 }, SyntheticShapesBatches.From(config)))
                Assert.Equal(Centrifuge.Runtime.TorchRuntime.DefaultThreads, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    [Fact]
    public void TrainsAHandBuiltModelWithAHandBuiltOptimizerLossAndSchedule()
    {
        using var dir = new TempDir();
        TrainingConfig config = TrainingFixtures.Tiny(3);   // Adam 1e-3 in the config; the parts below are SGD at 0.02
        torch.manual_seed(99);                              // not the config's seed: the model is the test's own
        using var model = CentrifugeModel.Create(config.Model);
        Dictionary<string, Tensor> initial = Snapshot(model);
        int lossCalls = 0;
        TrainingObjective loss = (outputs, targets, mixture, weights) =>
        {
            lossCalls++;
            return TrainingLoss.Compute(outputs, targets, mixture, weights);
        };
        var parts = new TrainingParts(model, new LiveScalarOptimizers.SGD(model.parameters(), 0.02, 0, 0), loss,
            SyntheticShapesBatches.From(config), new LearningRateSchedule(0.02, [], []));
        var recorder = new TrainingFixtures.Recorder();
        RunFolder folder = RunFolder.Open(dir.File("run"), false, false);
        TrainingOutcome outcome;
        using (var trainer = new Trainer(config, folder, parts, events: recorder))
            outcome = trainer.Train();
        CentrifugeModel kept = parts.TakeModel();
        parts.Dispose();

        Assert.Same(model, kept);
        Assert.Equal(TrainingStopReason.Completed, outcome.Reason);
        Assert.Equal(3, outcome.Iteration);
        Assert.Equal(3, lossCalls);   // the given loss, once a step (validation scores with its own metrics)
        Assert.All(recorder.Steps, s => Assert.Equal(0.02, s.LearningRate));   // the given schedule
        // The run started from the given weights (its first checkpoint holds them) and trained them in place: the last
        // checkpoint holds the model's weights as they are in memory, and they moved. The checkpoints hold the given SGD's
        // state (loading them into the config's Adam is refused).
        var store = new CheckpointStore(folder.CheckpointsPath, config.KeepCheckpoints);
        TrainingConfig sgd = config with { Optimizer = OptimizerKind.Sgd };
        var (atStart, _) = TrainingFixtures.LoadCheckpoint(sgd, store.PathFor(0));
        var (atEnd, _) = TrainingFixtures.LoadCheckpoint(sgd, outcome.Checkpoint!);
        Assert.Throws<CentrifugeException>(() => TrainingFixtures.LoadCheckpoint(config, outcome.Checkpoint!));
        AssertEqual(initial, Snapshot(atStart));
        AssertEqual(Snapshot(kept), Snapshot(atEnd));
        Dictionary<string, Tensor> trained = Snapshot(kept);
        Assert.Contains(initial, p => !Same(p.Value, trained[p.Key]));
    }

    [Fact]
    public void RefusesAModelThatIsNotTheConfigs()
    {
        using var dir = new TempDir();
        TrainingConfig config = TrainingFixtures.Tiny(1);
        using var parts = TrainingParts.FromConfig(config with { Model = config.Model with { Layers = 3 } });
        Assert.Throws<ArgumentException>(() => new Trainer(config, RunFolder.Open(dir.File("run"), false, false), parts));
    }

    internal static Dictionary<string, Tensor> Snapshot(CentrifugeModel model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());

    internal static void AssertEqual(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach ((string name, Tensor value) in expected)
            Assert.True(Same(value, actual[name]), $"{name} differs");
    }

    private static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.shape.SequenceEqual(b.shape) && torch.eq(a, b).all().item<bool>();
    }
}

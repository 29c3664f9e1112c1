using Centrifuge.Models;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainerInitialWeightsTests
{
    /// <summary>A fresh run with InitialWeights starts from exactly those weights (its iteration-0 checkpoint holds them), then trains them.</summary>
    [Fact]
    public void AFreshRunStartsFromTheGivenWeights()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(3);
        string source = dir.File("source.ckpt");
        torch.manual_seed(123);
        using (var model = CentrifugeModel.Create(config.Model))
        {
            using (torch.no_grad())
                foreach (var p in model.parameters()) p.add_(0.25); // far from any seed's initialisation
            ModelCheckpoint.Save(model, source);
        }

        var init = config with { InitialWeights = source };
        TrainingOutcome start = Trainer.Run(init, RunFolder.Open(dir.File("run"), false, false), false, cancel: new CancellationToken(true));
        Assert.Equal(0, start.Iteration);
        AssertWeights(config, start.Checkpoint!, source, equal: true);

        TrainingOutcome trained = Trainer.Run(init, RunFolder.Open(dir.File("run"), true, false), true);
        Assert.Equal(3, trained.Iteration);
        AssertWeights(config, trained.Checkpoint!, source, equal: false);
    }

    /// <summary>A run's own training checkpoint (step-N.ckpt: weights, optimizer and state) also serves as initial weights.</summary>
    [Fact]
    public void AFreshRunStartsFromAnotherRunsTrainingCheckpoint()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(2);
        TrainingOutcome first = Trainer.Run(config, RunFolder.Open(dir.File("first"), false, false), false);
        var (source, sourceOptimizer) = TrainingFixtures.LoadCheckpoint(config, first.Checkpoint!);
        sourceOptimizer.Dispose();
        string asModel = dir.File("first-weights.ckpt");
        ModelCheckpoint.Save(source, asModel);
        source.Dispose();

        var init = config with { InitialWeights = first.Checkpoint!, Seed = config.Seed + 1 };
        TrainingOutcome start = Trainer.Run(init, RunFolder.Open(dir.File("second"), false, false), false, cancel: new CancellationToken(true));
        Assert.Equal(0, start.Iteration);
        AssertWeights(config, start.Checkpoint!, asModel, equal: true);

        var other = TrainingFixtures.Tiny(2) with { Model = config.Model with { Layers = 3 } };
        var error = Assert.Throws<CentrifugeException>(() =>
            Trainer.Run(other with { InitialWeights = first.Checkpoint! }, RunFolder.Open(dir.File("third"), false, false), false));
        Assert.Equal(ExitCodes.IncompatibleModel, error.ExitCode);
        Assert.Contains("layers", error.Message);
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(2);
        string source = dir.File("other.ckpt");
        using (var model = CentrifugeModel.Create(config.Model with { Layers = 3 })) ModelCheckpoint.Save(model, source);

        var error = Assert.Throws<CentrifugeException>(() =>
            Trainer.Run(config with { InitialWeights = source }, RunFolder.Open(dir.File("run"), false, false), false));
        Assert.Equal(ExitCodes.IncompatibleModel, error.ExitCode);
        Assert.Contains("other.ckpt", error.Message);
        Assert.Contains("layers", error.Message);
    }

    private static void AssertWeights(TrainingConfig config, string trainingCheckpoint, string modelCheckpoint, bool equal)
    {
        var (trained, optimizer) = TrainingFixtures.LoadCheckpoint(config, trainingCheckpoint);
        using var reference = ModelCheckpoint.Load(modelCheckpoint);
        var a = trained.state_dict();
        var b = reference.state_dict();
        bool same = a.Keys.Where(k => a[k].is_floating_point()).All(k => a[k].allclose(b[k], rtol: 0, atol: 0));
        optimizer.Dispose();
        trained.Dispose();
        Assert.Equal(equal, same);
    }
}

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

    /// <summary>
    /// A predictor-only model under a predictor-corrector config: the predictor takes its weights, the corrector is
    /// what a run without --init initialises but for its zeroed output convolution, so the model starts by computing
    /// exactly the predictor's layers, and the run says so in one line.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_predictor_only_model_fills_the_predictor_and_the_corrector_starts_fresh(bool fromTrainingCheckpoint)
    {
        using var dir = new TempDir();
        var predictorConfig = TrainingFixtures.Tiny(1);
        var correctorConfig = predictorConfig with { Model = predictorConfig.Model with { CorrectionSteps = 1 } };
        string source = dir.File("predictor.ckpt");
        torch.manual_seed(123);
        using (var model = CentrifugeModel.Create(predictorConfig.Model))
        {
            using (torch.no_grad())
                foreach (var p in model.parameters()) p.add_(0.25);
            ModelCheckpoint.Save(model, source);
        }
        if (fromTrainingCheckpoint)
        {
            // The same weights as a run's step-0.ckpt (a training checkpoint of the predictor-only run).
            TrainingOutcome run = Trainer.Run(predictorConfig with { InitialWeights = source }, RunFolder.Open(dir.File("predictor-run"), false, false),
                false, cancel: new CancellationToken(true));
            source = run.Checkpoint!;
        }

        var recorder = new TrainingFixtures.Recorder();
        TrainingOutcome start = Trainer.Run(correctorConfig with { InitialWeights = source }, RunFolder.Open(dir.File("run"), false, false), false,
            events: recorder, cancel: new CancellationToken(true));
        TrainingOutcome fresh = Trainer.Run(correctorConfig, RunFolder.Open(dir.File("fresh"), false, false), false, cancel: new CancellationToken(true));
        Assert.Single(recorder.Notes, n => n.Contains("predictor-only", StringComparison.Ordinal) && n.Contains("corrector starts freshly initialised, adding nothing at first", StringComparison.Ordinal));

        var (started, o1) = TrainingFixtures.LoadCheckpoint(correctorConfig, start.Checkpoint!);
        var (scratch, o2) = TrainingFixtures.LoadCheckpoint(correctorConfig, fresh.Checkpoint!);
        using var reference = ModelCheckpoint.Load(dir.File("predictor.ckpt"));
        Assert.True(Same(started.Predictor.state_dict(), reference.Predictor.state_dict()));
        Assert.False(Same(started.Predictor.state_dict(), scratch.Predictor.state_dict()));
        Dictionary<string, torch.Tensor> corrector = started.Correctors[0].state_dict(), fresh0 = scratch.Correctors[0].state_dict();
        string[] output = [.. corrector.Keys.Where(k => k.StartsWith("decoder.output.", StringComparison.Ordinal))];
        Assert.Equal(2, output.Length); // weight and bias
        Assert.All(output, k => Assert.Equal(0, corrector[k].count_nonzero().item<long>()));
        Assert.True(Same(corrector.Where(kv => !output.Contains(kv.Key)).ToDictionary(), fresh0.Where(kv => !output.Contains(kv.Key)).ToDictionary()));

        // Zero corrections: the predictor-corrector's layers are the predictor-only model's, to the bit.
        started.eval();
        reference.eval();
        torch.manual_seed(5);
        using (torch.no_grad())
        using (torch.Tensor video = torch.rand(new long[] { 1, 3, 8, 32, 32 }))
        using (torch.Tensor withCorrector = started.forward(video))
        using (torch.Tensor predictorOnly = reference.forward(video))
            Assert.True(withCorrector.allclose(predictorOnly, rtol: 0, atol: 0));
        foreach (IDisposable d in new IDisposable[] { o1, o2, started, scratch }) d.Dispose();
    }

    /// <summary>Only the step from predictor to predictor-corrector is partial: any other mismatch stays an error.</summary>
    [Fact]
    public void Other_mismatches_with_a_corrector_config_remain_errors()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(1);
        var corrector = config with { Model = config.Model with { CorrectionSteps = 1 } };
        string wider = dir.File("wider.ckpt"), withCorrector = dir.File("with-corrector.ckpt");
        using (var model = CentrifugeModel.Create(config.Model with { Width = config.Model.Width * 2 })) ModelCheckpoint.Save(model, wider);
        using (var model = CentrifugeModel.Create(corrector.Model)) ModelCheckpoint.Save(model, withCorrector);

        var width = Assert.Throws<CentrifugeException>(() =>
            Trainer.Run(corrector with { InitialWeights = wider }, RunFolder.Open(dir.File("a"), false, false), false));
        Assert.Equal(ExitCodes.IncompatibleModel, width.ExitCode);
        Assert.Contains("wider.ckpt", width.Message);
        Assert.Contains("width", width.Message);

        // A predictor-corrector's weights do not shrink into a predictor.
        var shrink = Assert.Throws<CentrifugeException>(() =>
            Trainer.Run(config with { InitialWeights = withCorrector }, RunFolder.Open(dir.File("b"), false, false), false));
        Assert.Equal(ExitCodes.IncompatibleModel, shrink.ExitCode);
        Assert.Contains("correction_steps", shrink.Message);
    }

    private static bool Same(Dictionary<string, torch.Tensor> a, Dictionary<string, torch.Tensor> b) =>
        a.Count == b.Count && a.Keys.Where(k => a[k].is_floating_point()).All(k => a[k].allclose(b[k], rtol: 0, atol: 0));

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

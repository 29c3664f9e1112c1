using Centrifuge.Models;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainerOptionsTests
{
    /// <summary>With SGD (no momentum) and gradient_clip_norm c, one step moves the weights by at most lr x c in L2 norm.</summary>
    [Fact]
    public void GradientClippingBoundsTheUpdate()
    {
        using var dir = new TempDir();
        var config = TrainingFixtures.Tiny(1, OptimizerKind.Sgd, lr: 0.1) with { Momentum = 0, GradientClipNorm = 1e-3 };
        TrainingOutcome initial = Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false, cancel: new CancellationToken(true));
        TrainingOutcome stepped = Trainer.Run(config, RunFolder.Open(dir.File("run"), true, false), true);

        double moved = Distance(config, initial.Checkpoint!, stepped.Checkpoint!);
        Assert.True(moved > 0, "the step changed the weights");
        Assert.True(moved <= 0.1 * 1e-3 * (1 + 1e-4), $"weights moved by {moved:G4} > lr x clip = 1e-4");
    }

    private static double Distance(TrainingConfig config, string a, string b)
    {
        var (ma, _) = TrainingFixtures.LoadCheckpoint(config, a);
        var (mb, _) = TrainingFixtures.LoadCheckpoint(config, b);
        using var scope = NewDisposeScope();
        double sum = 0;
        foreach (var (pa, pb) in ma.parameters().Zip(mb.parameters()))
            sum += (pa - pb).pow(2).sum().item<float>();
        return Math.Sqrt(sum);
    }

    [Fact]
    public void OverridesApplyOnTopOfAPresetAndClipIsParsed()
    {
        var config = new TrainingOverrides
        {
            Iterations = 50, BatchSize = 3, Clip = ClipSize.Parse("6, 24,32"), Layers = 4, LearningRate = 0.05,
            Optimizer = OptimizerKind.Sgd, ValidationEvery = 7, CheckpointEvery = 9, Seed = 12, Threads = 2,
        }.ApplyTo(TrainingPresets.Get("tiny"));
        Assert.Equal((50L, 3, 6, 24, 32, 4), (config.Iterations, config.Data.BatchSize, config.Data.Frames, config.Data.Height, config.Data.Width, config.Model.Layers));
        Assert.Equal((0.05, OptimizerKind.Sgd, 7, 9, 12, 12L, 2), (config.LearningRate, config.Optimizer, config.ValidationEvery, config.CheckpointEvery, config.Seed, config.Data.Seed, config.Threads));
        Assert.Equal(new ClipSize(16, 64, 64), ClipSize.Parse("16x64x64"));   // the same sizes model-info accepts
        var error = Assert.Throws<OptionException>(() => ClipSize.Parse("16x64"));
        Assert.Equal(("clip", ExitCodes.Usage), (error.Option, error.ExitCode));
        Assert.Contains("T,H,W", error.Message);
        Assert.Throws<OptionException>(() => ClipSize.Parse("16,0,64"));
        Assert.Throws<OptionException>(() => ClipSize.Parse("16,-64,64"));
    }

    [Fact]
    public void DataAndModelOverridesReachTheirConfigBlocks()
    {
        TrainingConfig baseline = TrainingPresets.Get("cpu-small");
        var config = new TrainingOverrides { Encoder = EncoderKind.Frame2d, ReflectionProbability = 0.5, CompositeProbability = 0.25, MaxObjects = 6 }.ApplyTo(baseline);
        Assert.Equal((EncoderKind.Frame2d, 0.5, 0.25, 6), (config.Model.Encoder, config.Data.ReflectionProbability, config.Data.CompositeProbability, config.Data.Composite.MaxObjects));
        Assert.Equal(baseline.Model with { Encoder = EncoderKind.Frame2d }, config.Model);
        Assert.Equal(EncoderKind.I3d, new TrainingOverrides().ApplyTo(baseline).Model.Encoder);
    }
}

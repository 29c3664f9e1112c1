using System.Text.Json;
using Centrifuge.Data;
using Centrifuge.Evaluation.Experiments;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using Centrifuge.Tests.Training;
using Centrifuge.Training;

namespace Centrifuge.Tests.Evaluation.Experiments;

/// <summary>An experiment's variants train through the same engine as `train`: the budget ends with a validation, and the model kept is the trained one.</summary>
[Collection(TrainingFixtures.Collection)]
public sealed class ExperimentTrainingTests
{
    private static ExperimentOptions Options(TempDir dir, double budgetMinutes, long? maxIterations = null) => new()
    {
        Data = SmokeData.Videos, Out = dir.File("out"), Preset = "tiny", BudgetMinutes = budgetMinutes, MaxIterations = maxIterations,
        Pairs = 2, Clip = new ClipSize(4, 24, 24), Compute = new ComputeOptions { Threads = 1 },
    };

    [Fact]
    public void A_budget_ends_with_a_validation_at_the_last_step_that_chooses_best_ckpt()
    {
        using var dir = new TempDir();
        using var context = new ExperimentContext(Options(dir, budgetMinutes: 0.02), 1, VideoSourceDecoder.Instance);
        using TrainedVariant variant = context.Train("budget", context.Base);

        Assert.InRange(variant.Iterations, 1, 999_999);   // the budget, not the iteration count, ended it
        var run = RunFolder.Open(Path.Combine(dir.File("out"), "runs", "budget"), resume: true, force: false);
        using JsonDocument last = JsonDocument.Parse(File.ReadLines(run.MetricsPath).Last());
        Assert.Equal("validation", last.RootElement.GetProperty("kind").GetString());
        Assert.Equal(variant.Iterations, last.RootElement.GetProperty("iteration").GetInt64());
        Assert.True(last.RootElement.GetProperty("best").GetBoolean());
        using JsonDocument best = JsonDocument.Parse(File.ReadAllText(run.BestScoresPath));
        Assert.Equal(variant.Iterations, best.RootElement.GetProperty("iteration").GetInt64());
        using CentrifugeModel bestModel = ModelCheckpoint.Load(run.BestModelPath);
        TrainerPartsTests.AssertEqual(TrainerPartsTests.Snapshot(variant.Model), TrainerPartsTests.Snapshot(bestModel));
    }

    [Fact]
    public void The_model_kept_is_the_trained_model_in_memory()
    {
        using var dir = new TempDir();
        using var context = new ExperimentContext(Options(dir, budgetMinutes: 30, maxIterations: 2), 1, VideoSourceDecoder.Instance);
        using TrainedVariant variant = context.Train("kept", context.Base);

        // The same engine on the same config, its model read straight from memory.
        using TrainingParts parts = TrainingParts.FromConfig(context.Base);
        using (var trainer = new Trainer(context.Base, RunFolder.Open(dir.File("direct"), false, false), parts))
            Assert.Equal(2, trainer.Train().Iteration);
        Assert.Equal(2, variant.Iterations);
        Assert.False(variant.Model.training);
        TrainerPartsTests.AssertEqual(TrainerPartsTests.Snapshot(parts.Model), TrainerPartsTests.Snapshot(variant.Model));
        using CentrifugeModel saved = ModelCheckpoint.Load(variant.Checkpoint);
        TrainerPartsTests.AssertEqual(TrainerPartsTests.Snapshot(variant.Model), TrainerPartsTests.Snapshot(saved));
    }
}

using Centrifuge.Data;
using Centrifuge.Losses;
using Centrifuge.Models;
using Centrifuge.Training;
using TorchSharp;

namespace Centrifuge.Tests.Training;

/// <summary>The trainer's validation reports the share of pairs it wins, and best.ckpt may be chosen by it.</summary>
[Collection(TrainingFixtures.Collection)]
public sealed class ValidationWinRateTests
{
    [Fact]
    public void Validation_win_rate_and_median_are_those_of_the_per_pair_psnri()
    {
        TrainingConfig config = TrainingFixtures.Tiny(1) with { ValidationPairs = 10 };
        torch.manual_seed(11);
        using var model = CentrifugeModel.Create(config.Model);
        using var batches = SyntheticShapesBatches.From(config);
        ValidationResult result = Validator.Run(model, batches.Validation(), torch.CPU, 0);

        // Independently: every pair's PSNRi from the model in eval mode, summarised by hand.
        var psnri = new List<double>();
        model.eval();
        using (torch.no_grad())
            foreach (BlendedBatch batch in batches.Validation())
                using (batch)
                using (var outputs = model.forward(batch.Mixture))
                    psnri.AddRange(SeparationMetrics.PerSample(outputs, batch.Targets, batch.Mixture).Select(s => s.Psnri));
        model.train();
        Assert.Equal(10, psnri.Count);
        double[] sorted = [.. psnri.Order()];
        Assert.Equal(psnri.Count(v => v > 0) / 10.0, result.WinRate);
        Assert.Equal((sorted[4] + sorted[5]) / 2, result.PsnriMedian!.Value, 9);
        Assert.Equal(psnri.Average(), result.Psnri, 9);
    }

    [Fact]
    public void Training_logs_the_win_rate_in_metrics_and_the_best_scores()
    {
        using var dir = new Support.TempDir();
        TrainingConfig config = TrainingFixtures.Tiny(2) with { ValidationEvery = 1, BestBy = BestCheckpointCriterion.WinRate };
        var recorder = new TrainingFixtures.Recorder();
        Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false, events: recorder);
        Assert.Equal(2, recorder.Validations.Count);
        Assert.All(recorder.Validations, v => Assert.InRange(v.WinRate!.Value, 0, 1));
        string[] lines = File.ReadAllLines(Path.Combine(dir.File("run"), "metrics.jsonl"));
        Assert.Equal(2, lines.Count(l => l.Contains("\"win_rate\":", StringComparison.Ordinal)));
        Assert.Contains("\"best_by\": \"win_rate\"", File.ReadAllText(Path.Combine(dir.File("run"), "config.json")));
    }

    [Theory]
    // criterion, loss, win rate, best loss, best win rate, expected
    [InlineData(BestCheckpointCriterion.Loss, 0.5, 0.2, 0.6, 0.9, true)]      // today's rule: the loss alone
    [InlineData(BestCheckpointCriterion.Loss, 0.6, 0.9, 0.5, 0.2, false)]
    [InlineData(BestCheckpointCriterion.WinRate, 0.6, 0.9, 0.5, 0.2, true)]   // more pairs won beats a lower loss
    [InlineData(BestCheckpointCriterion.WinRate, 0.5, 0.2, 0.6, 0.9, false)]
    [InlineData(BestCheckpointCriterion.WinRate, 0.5, 0.7, 0.6, 0.7, true)]   // equal win rates: the lower loss
    [InlineData(BestCheckpointCriterion.WinRate, 0.6, 0.7, 0.5, 0.7, false)]
    [InlineData(BestCheckpointCriterion.WinRate, 0.5, null, 0.6, 0.9, true)]  // no win rate (an old best.json): the loss
    [InlineData(BestCheckpointCriterion.WinRate, 0.5, 0.9, 0.6, null, true)]
    [InlineData(BestCheckpointCriterion.WinRate, 0.7, 0.9, 0.6, null, false)]
    [InlineData(BestCheckpointCriterion.WinRate, double.NaN, 1.0, 0.6, 0.1, false)]   // a non-finite loss never wins
    [InlineData(BestCheckpointCriterion.Loss, 9.0, 0.0, null, null, true)]    // the first validation always does
    public void Best_checkpoint_rule(BestCheckpointCriterion criterion, double loss, double? winRate, double? bestLoss, double? bestWinRate, bool expected) =>
        Assert.Equal(expected, BestCheckpointRule.IsBetter(criterion, loss, winRate, bestLoss, bestWinRate));

    [Fact]
    public void The_variant_patch_selects_by_win_rate_and_the_default_stays_the_loss()
    {
        Assert.Equal(BestCheckpointCriterion.Loss, new TrainingConfig().BestBy);
        TrainingConfig patched = TrainingConfig.Load([Path.Combine(Support.Repo.Root, "configs", "cpu-small-default.json"),
            Path.Combine(Support.Repo.Root, "configs", "variants", "best-by-win-rate.json")]);
        Assert.Equal(BestCheckpointCriterion.WinRate, patched.BestBy);
    }
}

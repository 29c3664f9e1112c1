using System.Text.Json;
using Centrifuge.Data;
using Centrifuge.Losses;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

/// <summary>The trainer logs its loss on its own (augmented) batches against the identity's on the same batches.</summary>
[Collection(TrainingFixtures.Collection)]
public sealed class TrainingBatchRatioTests
{
    [Fact]
    public void Each_train_line_holds_the_identity_loss_of_its_batches_and_the_ratio_to_it()
    {
        using var dir = new Support.TempDir();
        TrainingConfig config = TrainingFixtures.Tiny(3) with { LogEvery = 1 };
        Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false);

        JsonElement[] lines = [.. File.ReadAllLines(Path.Combine(dir.File("run"), "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == "train")];
        Assert.Equal(3, lines.Length);

        // Independently: the batches are a pure function of the config and the position, so batch i is rebuilt
        // and its identity (both outputs the mixture) scored by the evaluation's metric.
        using var batches = SyntheticShapesBatches.From(config);
        for (int i = 0; i < lines.Length; i++)
        {
            using BlendedBatch batch = batches.Training(i);
            double identity = SeparationMetrics.Identity(batch.Targets, batch.Mixture).Loss;
            Assert.Equal(identity, lines[i].GetProperty("identity_loss").GetDouble(), 5);
            // No extra loss terms: the logged loss is the permutation-invariant loss, and the ratio divides it.
            Assert.Equal(lines[i].GetProperty("loss").GetDouble() / identity, lines[i].GetProperty("ratio").GetDouble(), 4);
        }
    }
}

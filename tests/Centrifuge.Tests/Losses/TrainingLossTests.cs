using Centrifuge.Losses;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Losses;

public class TrainingLossTests
{
    public TrainingLossTests() => TorchRuntime.EnsureLoaded();

    private static (Tensor Outputs, Tensor Targets, Tensor Mixture, Tensor Weights) Batch(int n, int k, long seed)
    {
        var outputs = Reference.Random(seed, 2, n, 3, 3, 5, 6);
        var targets = Reference.Random(seed + 1, 2, k, 3, 3, 5, 6);
        var weights = torch.rand(new long[] { 2, k }, generator: new torch.Generator((ulong)seed + 2));
        weights = weights / weights.sum(1, keepdim: true);
        var mixture = (weights.view(2, k, 1, 1, 1, 1) * targets).sum(1);
        return (outputs, targets, mixture, weights);
    }

    [Fact]
    public void Default_config_is_the_paper_loss_alone()
    {
        using var scope = NewDisposeScope();
        var (o, t, m, w) = Batch(3, 2, 60);
        var result = TrainingLoss.Compute(o, t, m, w);
        Assert.Null(result.Consistency);
        Assert.Null(result.Diversity);
        Assert.Equal(PermutationInvariantLoss.Compute(o, t).Loss.item<float>(), result.Total.item<float>());
        Assert.Equal(0.0, new LossConfig().ConsistencyWeight);
        Assert.Equal(0.0, new LossConfig().DiversityWeight);
    }

    [Fact]
    public void Consistency_is_eq4_with_the_known_weights_on_the_matched_outputs()
    {
        using var scope = NewDisposeScope();
        var (o, t, m, w) = Batch(4, 3, 70);
        var result = TrainingLoss.Compute(o, t, m, w, new LossConfig { ConsistencyWeight = 0.5 });
        Dense outs = new(o), targets = new(t), mix = new(m), weights = new(w);
        double expected = 0;
        for (int b = 0; b < 2; b++)
        {
            var (_, a) = Reference.Pit(outs, targets, b);
            var recomposed = Video.Map(mix.At(b), (c, f, y, x) =>
                Enumerable.Range(0, 3).Sum(i => weights.Data[b * 3 + i] * outs.At(b, a[i])[c, f, y, x]));
            expected += Reference.L(mix.At(b), recomposed) / 2;
        }
        Assert.Equal(expected, result.Consistency!.item<float>(), 5);
        Assert.Equal(result.Reconstruction.Loss.item<float>() + 0.5 * expected, result.Total.item<float>(), 5);
    }

    [Fact]
    public void Consistency_is_zero_when_the_outputs_are_the_layers()
    {
        using var scope = NewDisposeScope();
        var (_, t, m, w) = Batch(2, 2, 80);
        var outputs = t.index_select(1, tensor(new long[] { 1, 0 }));   // right layers, swapped order
        var result = TrainingLoss.Compute(outputs, t, m, w, new LossConfig { ConsistencyWeight = 1 });
        Assert.Equal(0.0, result.Reconstruction.Loss.item<float>(), 6);
        Assert.Equal(0.0, result.Consistency!.item<float>(), 6);
    }

    [Theory]
    [InlineData(DiversityPairs.Matched)]
    [InlineData(DiversityPairs.All)]
    public void Diversity_is_minus_the_mean_pairwise_loss(DiversityPairs pairs)
    {
        using var scope = NewDisposeScope();
        var (o, t, m, w) = Batch(4, 2, 90);
        var result = TrainingLoss.Compute(o, t, m, w, new LossConfig { DiversityWeight = 0.1, DiversityPairs = pairs });
        Dense outs = new(o), targets = new(t);
        double expected = 0;
        for (int b = 0; b < 2; b++)
        {
            var (_, a) = Reference.Pit(outs, targets, b);
            int[] layers = pairs == DiversityPairs.Matched ? a : new[] { 0, 1, 2, 3 };
            var values = new List<double>();
            for (int i = 0; i < layers.Length; i++)
                for (int j = i + 1; j < layers.Length; j++)
                    values.Add(Reference.L(outs.At(b, layers[i]), outs.At(b, layers[j])));
            expected += -values.Average() / 2;
        }
        Assert.True(expected < 0);
        Assert.Equal(expected, result.Diversity!.item<float>(), 5);
        Assert.Equal(result.Reconstruction.Loss.item<float>() + 0.1 * expected, result.Total.item<float>(), 5);
    }

    [Fact]
    public void Optional_terms_keep_unmatched_outputs_out_of_the_gradient_when_restricted_to_matched_layers()
    {
        using var scope = NewDisposeScope();
        var (o, t, m, w) = Batch(4, 2, 100);
        var outputs = o.detach().requires_grad_(true);
        var result = TrainingLoss.Compute(outputs, t, m, w, new LossConfig { ConsistencyWeight = 1, DiversityWeight = 0.1 });
        result.Total.backward();
        for (int b = 0; b < 2; b++)
            for (int j = 0; j < 4; j++)
            {
                double g = outputs.grad![b, j].abs().sum().item<float>();
                if (result.Reconstruction.Assignment[b].Contains(j)) Assert.True(g > 0);
                else Assert.Equal(0.0, g);
            }
    }

    [Fact]
    public void The_squared_term_is_the_mean_squared_error_of_the_matched_layers_by_hand()
    {
        using var scope = NewDisposeScope();
        var (outputs, targets, mixture, weights) = Batch(n: 3, k: 2, seed: 41);
        TrainingLossResult plain = TrainingLoss.Compute(outputs, targets, mixture, weights);
        TrainingLossResult result = TrainingLoss.Compute(outputs, targets, mixture, weights, new LossConfig { SquaredWeight = 0.7 });
        Assert.Null(plain.Squared);

        float[] o = outputs.data<float>().ToArray(), t = targets.data<float>().ToArray();
        const int n = 3, k = 2, pixels = 3 * 3 * 5 * 6;
        double expected = 0;
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < k; i++)
            {
                int j = result.Reconstruction.Assignment[b][i];
                double sum = 0;
                for (int p = 0; p < pixels; p++)
                {
                    double d = o[(b * n + j) * pixels + p] - t[(b * k + i) * pixels + p];
                    sum += d * d;
                }
                expected += sum / pixels / 2;   // the mean over pixels, summed over layers, averaged over the 2 samples
            }
        Assert.Equal(expected, result.Squared!.item<float>(), 5);
        Assert.Equal(plain.Total.item<float>() + 0.7 * expected, result.Total.item<float>(), 5);
        // Layers equal to their targets have no squared error.
        Assert.Equal(0, TrainingLoss.Squared(targets, targets, [[0, 1], [0, 1]]).abs().max().item<float>());
    }

    [Fact]
    public void Config_round_trips_through_json_and_rejects_negative_weights()
    {
        var config = new LossConfig { ConsistencyWeight = 0.25, DiversityWeight = 0.5, DiversityPairs = DiversityPairs.All };
        string json = JsonDefaults.Serialize(config);
        Assert.Contains("\"consistency_weight\": 0.25", json);
        Assert.Equal(config, JsonDefaults.Deserialize<LossConfig>(json));
        var e = Assert.Throws<CentrifugeException>(() => new LossConfig { DiversityWeight = -1 }.Validate());
        Assert.Contains("diversity_weight", e.Message);
        Assert.Throws<CentrifugeException>(() => new LossConfig { ConsistencyWeight = double.NaN }.Validate());
        // The squared term is written only when used, so the configs of earlier runs read back unchanged.
        Assert.DoesNotContain("squared_weight", json);
        var squared = new LossConfig { SquaredWeight = 2 };
        Assert.Contains("\"squared_weight\": 2", JsonDefaults.Serialize(squared));
        Assert.Equal(squared, JsonDefaults.Deserialize<LossConfig>(JsonDefaults.Serialize(squared)));
        Assert.Contains("squared_weight", Assert.Throws<CentrifugeException>(() => new LossConfig { SquaredWeight = -0.1 }.Validate()).Message);
    }
}

using Centrifuge.Losses;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Losses;

public class SeparationMetricsTests
{
    public SeparationMetricsTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(2, 2)]
    [InlineData(4, 2)]
    [InlineData(3, 3)]
    public void Per_sample_scores_match_the_loop_references(int n, int k)
    {
        using var scope = NewDisposeScope();
        var targets = Reference.Random(200, 2, k, 3, 3, 5, 6);
        var mixture = targets.mean(new long[] { 1 });
        var outputs = (targets.index_select(1, tensor(Enumerable.Range(0, n).Select(j => (long)(j % k)).ToArray()))
                       + 0.3f * Reference.Random(201, 2, n, 3, 3, 5, 6)).clamp(-1, 1);
        var scores = SeparationMetrics.PerSample(outputs, targets, mixture);
        Dense o = new(outputs), t = new(targets), m = new(mixture);
        Assert.Equal(2, scores.Length);
        for (int b = 0; b < 2; b++)
        {
            var (loss, a) = Reference.Pit(o, t, b);
            double psnr = 0, ssim = 0, ncc = 0, psnrIdentity = 0;
            for (int i = 0; i < k; i++)
            {
                Video truth = Reference.Unit(t.At(b, i)), estimate = Reference.Unit(o.At(b, a[i])), baseline = Reference.Unit(m.At(b));
                psnr += Reference.Psnr(estimate, truth) / k;
                ssim += Reference.Ssim(estimate, truth) / k;
                ncc += Reference.Ncc(estimate, truth) / k;
                psnrIdentity += Reference.Psnr(baseline, truth) / k;
            }
            double diversity = double.PositiveInfinity;
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++)
                diversity = Math.Min(diversity, Reference.L(o.At(b, i), o.At(b, j)));

            Assert.Equal(loss, scores[b].Loss, 5);
            Assert.Equal(psnr, scores[b].Psnr, 4);
            Assert.Equal(ssim, scores[b].Ssim, 6);
            Assert.Equal(ncc, scores[b].Ncc, 6);
            Assert.Equal(psnr - psnrIdentity, scores[b].Psnri, 4);
            Assert.Equal(diversity, scores[b].Diversity, 5);
        }
        var mean = SeparationMetrics.Compute(outputs, targets, mixture);
        Assert.Equal((scores[0].Psnr + scores[1].Psnr) / 2, mean.Psnr, 9);
        Assert.Equal((scores[0].Loss + scores[1].Loss) / 2, mean.Loss, 9);
    }

    [Fact]
    public void Scores_do_not_depend_on_the_order_of_outputs()
    {
        using var scope = NewDisposeScope();
        var targets = Reference.Random(210, 2, 2, 3, 3, 5, 6);
        var mixture = targets.mean(new long[] { 1 });
        var outputs = Reference.Random(211, 2, 4, 3, 3, 5, 6);
        var before = SeparationMetrics.PerSample(outputs, targets, mixture);
        var after = SeparationMetrics.PerSample(outputs.index_select(1, tensor(new long[] { 3, 1, 0, 2 })), targets, mixture);
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(before[b].Loss, after[b].Loss, 9);
            Assert.Equal(before[b].Psnr, after[b].Psnr, 9);
            Assert.Equal(before[b].Ssim, after[b].Ssim, 9);
            Assert.Equal(before[b].Diversity, after[b].Diversity, 9);
        }
    }

    [Fact]
    public void Perfect_separation_scores_infinite_psnr_unit_ssim_and_zero_loss()
    {
        using var scope = NewDisposeScope();
        var targets = Reference.Random(220, 2, 2, 3, 3, 12, 12);
        var mixture = targets.mean(new long[] { 1 });
        var scores = SeparationMetrics.Compute(targets.index_select(1, tensor(new long[] { 1, 0 })), targets, mixture);
        Assert.Equal(0.0, scores.Loss);
        Assert.Equal(double.PositiveInfinity, scores.Psnr);
        Assert.Equal(double.PositiveInfinity, scores.Psnri);
        Assert.Equal(1.0, scores.Ssim, 12);
        Assert.Equal(1.0, scores.Ncc, 12);
        Assert.False(double.IsNaN(scores.Psnri));
        Assert.Contains("\"psnr\": \"Infinity\"", JsonDefaults.Serialize(scores));
    }

    [Fact]
    public void Identity_baseline_has_a_closed_form_on_opposite_stripes()
    {
        // V1 = vertical stripes ±1, V2 = −V1, mixture = 0. Per layer: pixel mean |±1 − 0| = 1; ∂x differences are
        // ±2 on H·(W−1) of the H·(W−1) + (H−1)·W gradient elements, ∂y are 0. So l(V1, 0) = ½(1 + 2·16/31) for
        // H = 4, W = 5, and the identity loss summed over both layers is 1 + 32/31 = 63/31.
        // On [0, 1] pixels the targets are 1/0 and the mixture 0.5: MSE 0.25, PSNR 10·log10(4) dB.
        using var scope = NewDisposeScope();
        var stripes = (arange(5, dtype: ScalarType.Float32).remainder(2) * -2 + 1).expand(1, 3, 2, 4, 5);
        var targets = stack(new[] { stripes, -stripes }, 1).contiguous();         // [1, 2, 3, 2, 4, 5]
        var mixture = targets.mean(new long[] { 1 });
        Assert.Equal(0.0, mixture.abs().max().item<float>());

        var identity = SeparationMetrics.Identity(targets, mixture);
        Assert.Equal(63.0 / 31.0, identity.Loss, 5);
        Assert.Equal(10 * Math.Log10(4), identity.Psnr, 9);
        Assert.Equal(0.0, identity.Psnri);
        Assert.Equal(0.0, identity.Diversity);

        // Blending halves every difference, so the identity loss of a 50/50 blend is l(V1, V2) for any pair.
        var a = Reference.Random(230, 1, 3, 3, 5, 6); var b = Reference.Random(231, 1, 3, 3, 5, 6);
        var pair = stack(new[] { a, b }, 1);
        Assert.Equal(ReconstructionLoss.PerSample(a, b).item<float>(),
            SeparationMetrics.Identity(pair, pair.mean(new long[] { 1 })).Loss, 5);
    }

    [Fact]
    public void Most_dissimilar_pair_is_the_largest_mean_absolute_pixel_distance()
    {
        using var scope = NewDisposeScope();
        var layers = Reference.Random(240, 4, 3, 3, 5, 6) * 0.1f;
        layers[1] = layers[1] + 0.8f;
        layers[3] = layers[3] - 0.8f;
        Assert.Equal((1, 3), SeparationMetrics.MostDissimilarPair(layers));

        var batch = Reference.Random(241, 2, 4, 3, 3, 5, 6);
        var pairs = SeparationMetrics.MostDissimilarPairs(batch);
        Dense d = new(batch);
        for (int s = 0; s < 2; s++)
        {
            var best = LayerPairs.Unordered(4).MaxBy(p => Reference.MeanAbs(d.At(s, p.A), d.At(s, p.B)));
            Assert.Equal(best, pairs[s]);
        }
        var e = Assert.Throws<CentrifugeException>(() => SeparationMetrics.MostDissimilarPair(layers[..1]));
        Assert.Contains("at least 2", e.Message);
    }

    [Fact]
    public void Diversity_score_is_the_closest_pair_of_outputs()
    {
        using var scope = NewDisposeScope();
        var outputs = Reference.Random(250, 1, 3, 3, 3, 5, 6);
        outputs[0, 2] = outputs[0, 0] + 0.01f;     // outputs 0 and 2 nearly coincide
        double expected = ReconstructionLoss.PerSample(outputs[.., 0], outputs[.., 2]).item<float>();
        Assert.Equal(expected, SeparationMetrics.DiversityScores(outputs).item<float>(), 6);
        Assert.True(expected < 0.01);
    }
}

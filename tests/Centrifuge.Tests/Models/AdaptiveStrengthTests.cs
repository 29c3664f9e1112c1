using Centrifuge.Losses;
using Centrifuge.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

/// <summary>`--strength auto`: a strength per window from how the layers' departure from the input follows its contrast.</summary>
public class AdaptiveStrengthTests
{
    [Fact]
    public void The_contrast_alignment_is_the_mean_absolute_pearson_correlation_counted_by_hand()
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(11);
        Tensor mixture = torch.rand([3L, 3, 2, 3, 4], generator: generator) * 2 - 1;    // [B, 3, T, H, W]
        Tensor noise = torch.rand([3L, 2, 3, 2, 3, 4], generator: generator) * 2 - 1;
        Tensor layers = mixture.unsqueeze(1) * 1.3 + noise * 0.5;   // [B, n = 2, ...]: part the input's contrast, part noise
        double[] alignment = AdaptiveStrength.ContrastAlignment(layers, mixture).data<double>().ToArray();

        float[] l = layers.data<float>().ToArray(), m = mixture.data<float>().ToArray();
        const int n = 2, values = 3 * 2 * 3 * 4;
        for (int b = 0; b < 3; b++)
        {
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                var x = new double[values];
                var d = new double[values];
                for (int p = 0; p < values; p++)
                {
                    x[p] = m[b * values + p];
                    d[p] = l[(b * n + k) * values + p] - x[p];
                }
                sum += Math.Abs(Pearson(d, x));
            }
            Assert.Equal(sum / n, alignment[b], 9);
        }
    }

    [Fact]
    public void Layers_that_only_shift_the_brightness_get_the_low_strength_and_a_contrast_split_the_full_one()
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(3);
        Tensor mixture = torch.rand([2L, 3, 2, 4, 4], generator: generator) * 2 - 1;
        Tensor centred = mixture - mixture.mean([1L, 2, 3, 4], keepdim: true);
        Tensor offset = torch.full([2L, 1, 1, 1, 1], 0.3f);
        // Window 0: one layer darker, one brighter (the departure has no contrast of the input's); window 1: one layer
        // the input's contrast doubled, the other flat (the departure is the input's contrast).
        Tensor shifted = torch.stack([mixture + offset, mixture - offset], 1)[TensorIndex.Slice(0, 1)];
        Tensor split = torch.stack([mixture + centred, mixture - centred], 1)[TensorIndex.Slice(1, 2)];
        Tensor layers = torch.cat([shifted, split], 0);
        var rule = AdaptiveStrength.Default;
        double[] alignment = AdaptiveStrength.ContrastAlignment(layers, mixture).data<double>().ToArray();
        Assert.Equal(0, alignment[0], 3);   // up to float32 rounding of the offset
        Assert.Equal(1, alignment[1], 6);
        Assert.Equal([rule.Low, 1], rule.Strengths(layers, mixture).data<double>().ToArray().Select(s => Math.Round(s, 6)));   // 0 and 1 lie beyond the ramp

        Tensor applied = rule.Apply(layers, mixture);
        Assert.True(applied[0].allclose(LayerStrength.Apply(layers[TensorIndex.Slice(0, 1)], mixture[TensorIndex.Slice(0, 1)], rule.Low)[0], rtol: 0, atol: 1e-6));
        Assert.True(applied[1].allclose(layers[1], rtol: 0, atol: 1e-6));
    }

    /// <summary>Between From and To the strength rises linearly; each window gets its own, and the layers still average to the input.</summary>
    [Fact]
    public void Each_window_is_moved_by_its_own_strength_on_the_ramp()
    {
        using var scope = NewDisposeScope();
        var (layers, mixture) = LayerStrengthTests.MixtureConsistentLayers(windows: 4, seed: 5);
        var rule = new AdaptiveStrength(0.2, 0.05, 0.9);
        double[] alignment = AdaptiveStrength.ContrastAlignment(layers, mixture).data<double>().ToArray();
        double[] strengths = rule.Strengths(layers, mixture).data<double>().ToArray();
        var heard = new List<double>();
        Tensor wrapped = rule.Wrap(_ => layers, heard.AddRange)(mixture);
        for (int b = 0; b < 4; b++)
        {
            double expected = 0.2 + 0.8 * Math.Clamp((alignment[b] - 0.05) / 0.85, 0, 1);
            Assert.Equal(expected, strengths[b], 9);
            Assert.Equal(expected, heard[b], 9);
            Tensor one = LayerStrength.Apply(layers[TensorIndex.Slice(b, b + 1)], mixture[TensorIndex.Slice(b, b + 1)], strengths[b]);
            Assert.True(wrapped[b].allclose(one[0], rtol: 0, atol: 1e-6), $"window {b}");
        }
        Assert.Contains(strengths, s => s > 0.2 && s < 1);   // the data reach the ramp itself
        Assert.True(wrapped.mean([1L]).allclose(mixture, rtol: 0, atol: 1e-6));
    }

    /// <summary>As for a fixed strength: on every pair the loss is at most (1 - s) x the identity's + s x the model's.</summary>
    [Fact]
    public void The_loss_of_each_pair_is_within_the_identity_and_the_model_at_its_strength()
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(7);
        Tensor targets = torch.rand([6L, 2, 3, 2, 4, 4], generator: generator) * 2 - 1;
        Tensor mixture = targets.mean([1L]);
        Tensor noise = torch.rand([6L, 2, 3, 2, 4, 4], generator: generator) * 2 - 1;
        Tensor layers = targets.flip(1) * 0.7 + noise * 0.3;
        layers = layers - layers.mean([1L], keepdim: true) + mixture.unsqueeze(1);   // a mixture-consistent "model"
        var rule = new AdaptiveStrength(0.25, 0.05, 0.95);
        double[] s = rule.Strengths(layers, mixture).data<double>().ToArray();
        SeparationScores[] identity = SeparationMetrics.IdentityPerSample(targets, mixture);
        SeparationScores[] model = SeparationMetrics.PerSample(layers, targets, mixture);
        SeparationScores[] adaptive = SeparationMetrics.PerSample(rule.Apply(layers, mixture), targets, mixture);
        for (int i = 0; i < s.Length; i++)
            Assert.True(adaptive[i].Loss <= (1 - s[i]) * identity[i].Loss + s[i] * model[i].Loss + 1e-6, $"pair {i} at {s[i]}");
    }

    [Fact]
    public void A_fixed_strength_and_an_adaptive_one_do_not_combine_and_a_bad_rule_is_refused()
    {
        Func<Tensor, Tensor> model = x => x;
        Assert.Same(model, LayerStrength.Wrap(model, 1, null));
        Assert.Throws<ArgumentException>(() => LayerStrength.Wrap(model, 0.5, AdaptiveStrength.Default));
        Assert.Throws<ArgumentException>(() => new AdaptiveStrength(1.5, 0.3, 0.5).Validate());
        Assert.Throws<ArgumentException>(() => new AdaptiveStrength(0.25, 0.5, 0.5).Validate());
        Assert.Throws<OptionException>(() => new Centrifuge.Inference.Separation.SeparationOptions { Strength = 0.5, AdaptiveStrength = AdaptiveStrength.Default }.Validate());
    }

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.Sqrt(aa * bb);
    }
}

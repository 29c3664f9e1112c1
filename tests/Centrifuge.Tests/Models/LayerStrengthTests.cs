using Centrifuge.Losses;
using Centrifuge.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

/// <summary>`--strength s`: every layer moved s of the way from the input mixture towards the model's layer.</summary>
public class LayerStrengthTests
{
    private static readonly double[] Strengths = [0, 0.25, 0.5, 0.75, 1];

    [Fact]
    public void Each_pixel_of_each_layer_moves_that_share_of_the_way_from_the_mixture()
    {
        using var scope = NewDisposeScope();
        var generator = new torch.Generator(5);
        Tensor layers = torch.rand([2L, 3, 3, 2, 2, 3], generator: generator) * 2 - 1;   // [B, n, 3, T, H, W]
        Tensor mixture = torch.rand([2L, 3, 2, 2, 3], generator: generator) * 2 - 1;     // [B, 3, T, H, W]
        float[] l = layers.data<float>().ToArray(), m = mixture.data<float>().ToArray();
        const int n = 3, pixels = 3 * 2 * 2 * 3;
        foreach (double s in Strengths)
        {
            float[] result = LayerStrength.Apply(layers, mixture, s).data<float>().ToArray();
            for (int b = 0; b < 2; b++)
                for (int k = 0; k < n; k++)
                    for (int p = 0; p < pixels; p++)
                    {
                        double expected = m[b * pixels + p] + s * (l[(b * n + k) * pixels + p] - m[b * pixels + p]);
                        Assert.Equal(expected, result[(b * n + k) * pixels + p], 5);
                    }
        }
    }

    [Fact]
    public void Full_strength_is_the_model_itself_and_zero_is_the_identity_baseline()
    {
        using var scope = NewDisposeScope();
        var (layers, targets, mixture) = Pairs();
        Func<Tensor, Tensor> model = _ => layers;
        Assert.Same(model, LayerStrength.Wrap(model, 1));
        Assert.Same(layers, LayerStrength.Apply(layers, mixture, 1));

        SeparationScores[] zero = SeparationMetrics.PerSample(LayerStrength.Wrap(model, 0)(mixture), targets, mixture);
        SeparationScores[] identity = SeparationMetrics.IdentityPerSample(targets, mixture);
        for (int i = 0; i < zero.Length; i++)
        {
            Assert.Equal(identity[i].Loss, zero[i].Loss, 6);
            Assert.Equal(0, zero[i].Psnri, 4);
        }
    }

    /// <summary>
    /// The property the option rests on: for every pair, the PIT loss at strength s is at most (1 - s) x the identity's
    /// + s x the model's. So a pair the model wins is won at every s, and a pair it loses is lost by less.
    /// </summary>
    [Fact]
    public void The_loss_at_a_lower_strength_is_at_most_the_interpolation_of_the_identity_and_the_model()
    {
        using var scope = NewDisposeScope();
        var (layers, targets, mixture) = Pairs();
        SeparationScores[] identity = SeparationMetrics.IdentityPerSample(targets, mixture);
        SeparationScores[] model = SeparationMetrics.PerSample(layers, targets, mixture);
        Assert.Contains(model.Zip(identity), p => p.First.Loss < p.Second.Loss);   // the data hold a pair the model wins
        Assert.Contains(model.Zip(identity), p => p.First.Loss > p.Second.Loss);   // and one it loses
        foreach (double s in Strengths)
        {
            SeparationScores[] at = SeparationMetrics.PerSample(LayerStrength.Apply(layers, mixture, s), targets, mixture);
            for (int i = 0; i < at.Length; i++)
            {
                double bound = (1 - s) * identity[i].Loss + s * model[i].Loss;
                Assert.True(at[i].Loss <= bound + 1e-6, $"pair {i}, strength {s}: {at[i].Loss} > {bound}");
                if (model[i].Loss < identity[i].Loss && s > 0) Assert.True(at[i].Loss < identity[i].Loss);
            }
        }
    }

    [Fact]
    public void Layers_that_average_to_the_mixture_still_do_at_any_strength()
    {
        using var scope = NewDisposeScope();
        var (layers, mixture) = MixtureConsistentLayers(windows: 1, seed: 9);
        foreach (double s in Strengths)
            Assert.True(LayerStrength.Apply(layers, mixture, s).mean([1L]).allclose(mixture, rtol: 0, atol: 1e-6), $"strength {s}");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_strength_outside_zero_to_one_is_refused_by_name(double strength)
    {
        var e = Assert.Throws<OptionException>(() => LayerStrength.Validate(strength));
        Assert.Equal("strength", e.Option);
    }

    /// <summary>
    /// Two layers [windows, 2, 3, 2, 4, 4] that average to a random mixture [windows, 3, 2, 4, 4]: the mixture plus and
    /// minus a random offset of up to 0.5 per value.
    /// </summary>
    internal static (Tensor Layers, Tensor Mixture) MixtureConsistentLayers(long windows, ulong seed)
    {
        var generator = new torch.Generator(seed);
        Tensor mixture = torch.rand([windows, 3, 2, 4, 4], generator: generator) * 2 - 1;
        Tensor offset = torch.rand([windows, 3, 2, 4, 4], generator: generator) - 0.5;
        return (torch.stack([mixture + offset, mixture - offset], 1), mixture);
    }

    // Four pairs [4, 2, 3, 2, 4, 4]: two where the layers are the targets with a little noise (the model wins), two where
    // they are noise (it loses); the mixture is the targets' average.
    private static (Tensor Layers, Tensor Targets, Tensor Mixture) Pairs()
    {
        var generator = new torch.Generator(7);
        Tensor targets = torch.rand([4L, 2, 3, 2, 4, 4], generator: generator) * 2 - 1;
        Tensor mixture = targets.mean([1L]);
        Tensor noise = torch.rand([4L, 2, 3, 2, 4, 4], generator: generator) * 2 - 1;
        Tensor good = targets.flip(1) + noise * 0.1;   // in the other order: PIT has to find it
        Tensor layers = torch.cat([good[TensorIndex.Slice(0, 2)], noise[TensorIndex.Slice(2, 4)]], 0);
        return (layers, targets, mixture);
    }
}

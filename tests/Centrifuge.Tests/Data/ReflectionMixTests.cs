using Centrifuge.Data;
using Centrifuge.Runtime;
using Centrifuge.Tests.Data.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data;

public class ReflectionMixTests
{
    private static readonly DataConfig Config = new()
    {
        Frames = 4, Height = 20, Width = 26, BatchSize = 4, Seed = 5, PhotoProbability = 0, ReflectionProbability = 1,
        FlipProbability = 0, Reflection = new ReflectionConfig { BlurSigma = new(1, 2.5) },
    };

    public ReflectionMixTests() => TorchRuntime.EnsureLoaded();

    private static ClipPool Pool()
    {
        var store = new MemoryFrameStore();
        for (int i = 0; i < 4; i++) store.Add($"v{i}", 12, 30, 36, seed: i);
        return new ClipPool(store, Config.Frames);
    }

    private static float[] Data(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void A_reflection_mixture_is_the_blurred_layer_over_the_tinted_one_pixel_by_pixel()
    {
        ClipPool pool = Pool();
        using BlendedBatch batch = BlendLoader.GetBatch(pool, Config, 3);
        for (int b = 0; b < batch.Size; b++)
        {
            SamplePlan plan = BlendComposer.Plan(pool, Config, BlendRecipe.Train, Config.Seed, 3, b);
            ReflectionMix mix = plan.Reflection!;
            int reflection = mix.Layer, scene = 1 - mix.Layer;
            using Tensor sharp = LayerRenderer.RenderLayer(pool.Store, plan.Layers[reflection], Config.Frames, Config.Height, Config.Width);
            using Tensor plain = LayerRenderer.RenderLayer(pool.Store, plan.Layers[scene], Config.Frames, Config.Height, Config.Width);

            // Targets are the layers as they enter the mixture: the blurred reflection, the tinted scene.
            Tensor expectedReflection = ReflectionMix.GaussianBlur(sharp, mix.BlurSigma) * 2 - 1;
            Tensor expectedScene = plain * torch.tensor(mix.Gains).view(3, 1, 1, 1) * 2 - 1;
            Assert.True(torch.allclose(batch.Targets[b, reflection], expectedReflection, rtol: 0, atol: 1e-5));
            Assert.True(torch.allclose(batch.Targets[b, scene], expectedScene, rtol: 0, atol: 1e-5));
            Assert.True(batch.Targets[b, reflection].diff(dim: -1).abs().mean().item<float>() < (sharp * 2).diff(dim: -1).abs().mean().item<float>());

            // V = (1 - a(x)) T + a(x) R at every pixel; the weights are the frame means.
            Tensor a = mix.StrengthMap(Config.Height, Config.Width);
            Tensor expected = (1 - a) * batch.Targets[b, scene] + a * batch.Targets[b, reflection];
            Assert.True(torch.allclose(batch.Mixture[b], expected, rtol: 0, atol: 1e-5));
            Assert.Equal(a.mean().item<float>(), batch.Weights[b, reflection].item<float>(), 4);
            Assert.Equal(1, batch.Weights[b].sum().item<float>(), 5);
        }
    }

    [Fact]
    public void The_strength_ramp_runs_between_its_two_ends_and_averages_their_mean()
    {
        var mix = new ReflectionMix(1, 0, 0.2, 0.6, 0, [1, 1, 1]);
        float[] map = Data(mix.StrengthMap(5, 9));
        Assert.Equal(0.2f, map[0], 5);                     // left column: StrengthFrom
        Assert.Equal(0.6f, map[8], 5);                     // right column: StrengthTo
        Assert.Equal(map[0], map[9 * 4], 5);               // constant down a column at angle 0
        var rng = SplitMix64.Derive(1, 2);
        for (int i = 0; i < 20; i++)
        {
            ReflectionMix drawn = ReflectionMix.Sample(new ReflectionConfig(), ref rng);
            Tensor a = drawn.StrengthMap(11, 14);
            Assert.Equal(Math.Min(drawn.StrengthFrom, drawn.StrengthTo), a.min().item<float>(), 4);
            Assert.Equal(Math.Max(drawn.StrengthFrom, drawn.StrengthTo), a.max().item<float>(), 4);
            Assert.Equal((drawn.StrengthFrom + drawn.StrengthTo) / 2, a.mean().item<float>(), 4);
            Assert.All(drawn.Gains, g => Assert.InRange(g, 0.75f, 1f));
        }
    }

    [Fact]
    public void The_blur_matches_a_brute_force_gaussian_and_keeps_flat_frames_flat()
    {
        const double sigma = 1.5;
        Tensor impulse = torch.zeros(3, 2, 21, 21);
        impulse[.., .., 10, 10] = torch.tensor(1f);
        float[] blurred = Data(ReflectionMix.GaussianBlur(impulse, sigma)[1, 0]);
        double norm = 0;
        for (int i = -5; i <= 5; i++) norm += Math.Exp(-0.5 * i * i / (sigma * sigma));   // radius ceil(3 sigma) = 5
        for (int y = 0; y < 21; y++)
            for (int x = 0; x < 21; x++)
            {
                int dy = y - 10, dx = x - 10;
                double expected = Math.Abs(dx) > 5 || Math.Abs(dy) > 5 ? 0 : Math.Exp(-0.5 * (dx * dx + dy * dy) / (sigma * sigma)) / (norm * norm);
                Assert.Equal(expected, blurred[y * 21 + x], 6);
            }
        Tensor flat = torch.full(3, 2, 7, 9, 0.3f);
        Assert.True(torch.allclose(ReflectionMix.GaussianBlur(flat, 2.0), flat, rtol: 0, atol: 1e-6));
        Tensor ramp = torch.rand(3, 2, 7, 9, generator: torch.Generator.Default);
        Assert.Equal(Data(ramp), Data(ReflectionMix.GaussianBlur(ramp, 0.1)));     // below 0.3: sharp
    }

    [Fact]
    public void Validation_blends_stay_uniform_and_reflection_needs_two_layers()
    {
        ClipPool pool = Pool();
        for (int pair = 0; pair < 6; pair++)
            Assert.Null(BlendComposer.Plan(pool, Config, BlendRecipe.Evaluation, Config.Seed, -1, pair).Reflection);
        Assert.Null(BlendComposer.Plan(pool, Config with { ReflectionProbability = 0 }, BlendRecipe.Train, Config.Seed, 3, 0).Reflection);
        var error = Assert.Throws<CentrifugeException>(() => (Config with { Layers = 3 }).Validate());
        Assert.Contains("reflection mixing needs layers = 2", error.Message);
        error = Assert.Throws<CentrifugeException>(() => (Config with { Reflection = new ReflectionConfig { ColourFilter = 1 } }).Validate());
        Assert.Contains("reflection.colour_filter", error.Message);
    }
}

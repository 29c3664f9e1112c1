using Centrifuge.Data;
using Centrifuge.Runtime;
using Centrifuge.Tests.Data.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data;

public class ProceduralSceneTests
{
    private static readonly DataConfig Config = new()
    {
        Frames = 6, Height = 24, Width = 32, BatchSize = 3, Seed = 7, ProceduralProbability = 1, PhotoProbability = 0,
    };

    public ProceduralSceneTests() => TorchRuntime.EnsureLoaded();

    // Two videos and no photo: procedural layers need no source at all.
    private static MemoryFrameStore Store()
    {
        var store = new MemoryFrameStore();
        for (int i = 0; i < 2; i++) store.Add($"v{i}", 20, 28, 37, seed: i);
        return store;
    }

    private static float[] Data(Tensor t) => t.contiguous().data<float>().ToArray();

    private static void Close(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5f, $"[{i}]: {actual[i]}, expected {expected[i]}");
    }

    [Fact]
    public void Procedural_samples_are_a_pure_function_of_the_seed_and_key_and_move()
    {
        using BlendedBatch a = SampleAssertions.PureFunctionOfSeedAndKey(Store, Config, 4, "procedural:");
        // Camera and leaves move: the last frame differs from the first in every layer.
        using Tensor change = (a.Targets[.., .., .., -1] - a.Targets[.., .., .., 0]).abs().mean(new long[] { 2, 3, 4 });
        Assert.All(Data(change), d => Assert.True(d > 1e-3, $"a layer barely moves ({d})"));

        var pool = new ClipPool(Store(), Config.Frames);
        SamplePlan plan = BlendComposer.Plan(pool, Config, BlendRecipe.Train, Config.Seed, 4, 0);
        foreach (LayerPlan layer in plan.Layers)
        {
            Assert.Equal(LayerKind.Procedural, layer.Kind);
            Assert.False(layer.HasSource);
            Assert.InRange(layer.Objects!.Count, Config.Procedural.MinLeaves, Config.Procedural.MaxLeaves);
            Assert.Equal(layer.Objects.Count + 1, layer.Textures!.Count);
        }
    }

    [Fact]
    public void The_share_of_procedural_layers_follows_its_probability()
    {
        var pool = new ClipPool(Store(), Config.Frames);
        DataConfig quarter = Config with { ProceduralProbability = 0.25 };
        int procedural = 0, layers = 0;
        for (long key = 0; key < 300; key++)
            foreach (LayerPlan layer in BlendComposer.Plan(pool, quarter, BlendRecipe.Train, 1, key, 0).Layers)
            {
                layers++;
                if (layer.Kind == LayerKind.Procedural) procedural++;
            }
        // Binomial(600, 0.25): mean 150, sd 10.6; 4.5 sd either way.
        Assert.InRange(procedural, 102, 198);
        Assert.Equal(600, layers);
    }

    [Fact]
    public void Leaves_occlude_the_background_and_each_other_with_their_own_textures()
    {
        // Seeds whose textures are flat colours, so a leaf's pixels are known exactly.
        ulong[] flat = Enumerable.Range(1, 400).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL)
            .Where(s => ProceduralTexture.PatternOf(s) == TexturePattern.Flat).Take(3).ToArray();
        Assert.Equal(3, flat.Length);
        float[] Colour(ulong seed) => ProceduralTexture.Render(seed, 1);
        var disk = new MaskShape(MaskShapeKind.Ellipse, [0.9, 0.9], [0], 0.05);
        var still = new ObjectPath(-5, 0, -5, 0, 8, 8, 0, 0);
        var back = new SceneObject(-1, 24, 24, 24, disk, still, 1, 1);
        var front = new SceneObject(-1, 24, 24, 24, disk, still with { StartX = 5, EndX = 5 }, 1, 1);
        DataConfig config = Config with { Frames = 2, Height = 24, Width = 32 };
        var rng = SplitMix64.Derive(5, 1);
        LayerPlan plan = ProceduralScene.Plan(config with { Procedural = new ProceduralConfig { MinLeaves = 0, MaxLeaves = 0 } }, false, ref rng);
        LayerPlan leaves = plan with { Objects = [back, front], Textures = flat };

        using Tensor alone = LayerRenderer.RenderLayer(Store(), plan with { Textures = [flat[0]] }, 2, 24, 32);
        using Tensor scene = LayerRenderer.RenderLayer(Store(), leaves, 2, 24, 32);
        Close(Colour(flat[0]), Data(alone[.., 0, 0, 0]));       // the flat background
        Close(Colour(flat[1]), Data(scene[.., 0, 12, 8]));      // only the back leaf
        Close(Colour(flat[2]), Data(scene[.., 1, 12, 16]));     // both: the front one
        Close(Colour(flat[2]), Data(scene[.., 0, 12, 24]));     // only the front leaf
        Assert.Equal(Data(alone[.., 0, 0, 0]), Data(scene[.., 0, 0, 0]));                       // neither
    }

    [Fact]
    public void Textures_are_deterministic_in_range_and_of_every_pattern()
    {
        var patterns = new HashSet<TexturePattern>();
        for (ulong seed = 1; seed < 200; seed++)
        {
            float[] t = ProceduralTexture.Render(seed * 7919, 16);
            Assert.Equal(t, ProceduralTexture.Render(seed * 7919, 16));
            Assert.All(t, v => Assert.InRange(v, 0f, 1f));
            TexturePattern pattern = ProceduralTexture.PatternOf(seed * 7919);
            patterns.Add(pattern);
            if (pattern == TexturePattern.Flat)
                for (int c = 0; c < 3; c++) Assert.All(t.Skip(c * 256).Take(256), v => Assert.Equal(t[c * 256], v));
            else if (pattern != TexturePattern.Noise)   // noise can be faint; every other pattern has two colours
                Assert.True(Enumerable.Range(0, 3).Any(c => t.Skip(c * 256).Take(256).Distinct().Count() > 1), $"seed {seed * 7919}: {pattern} is flat");
        }
        Assert.Equal(Enum.GetValues<TexturePattern>().Length, patterns.Count);
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.3, 0.3, 0.3, 0.3)]
    [InlineData(0.0, 0.3, 1.0, 1.0, 0.7, 0.7)]
    [InlineData(0.0, 1.0, 1.0, 1.0, 0.0, 0.0)]
    [InlineData(1.0 / 3, 1.0, 1.0, 0.0, 1.0, 0.0)]
    [InlineData(2.0 / 3, 1.0, 1.0, 0.0, 0.0, 1.0)]
    [InlineData(0.5, 0.5, 0.8, 0.4, 0.8, 0.8)]
    [InlineData(1.0 / 12, 1.0, 1.0, 1.0, 0.5, 0.0)]
    public void Hsv_colours_match_their_rgb(double h, double s, double v, double r, double g, double b) =>
        Assert.Equal(new[] { r, g, b }, ProceduralTexture.FromHsv(h, s, v).Select(x => Math.Round(x, 12)));

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(3.0)]
    public void Leaf_radii_follow_the_power_law(double exponent)
    {
        const double low = 0.05, high = 0.5;
        // Reference CDF by brute-force integration of r^-e (midpoint rule, 200,000 steps).
        const int steps = 200_000;
        var cdf = new double[steps + 1];
        double width = (high - low) / steps;
        for (int i = 0; i < steps; i++) cdf[i + 1] = cdf[i] + Math.Pow(low + (i + 0.5) * width, -exponent) * width;
        foreach (double u in new[] { 0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999 })
        {
            double r = ProceduralScene.PowerLaw(low, high, exponent, u);
            Assert.InRange(r, low, high);
            double at = cdf[(int)Math.Round((r - low) / width)] / cdf[steps];
            Assert.Equal(u, at, 1e-4);
        }
    }

    [Fact]
    public void Bad_procedural_settings_are_refused_by_name()
    {
        Assert.Contains("procedural.min_leaves", Assert.Throws<CentrifugeException>(() => (Config with { Procedural = new() { MinLeaves = 5, MaxLeaves = 2 } }).Validate()).Message);
        Assert.Contains("procedural.size_exponent", Assert.Throws<CentrifugeException>(() => (Config with { Procedural = new() { SizeExponent = -1 } }).Validate()).Message);
        Assert.Contains("procedural.softness", Assert.Throws<CentrifugeException>(() => (Config with { Procedural = new() { Softness = new(0, 0.1) } }).Validate()).Message);
        Assert.Contains("procedural_probability must be in [0, 1], not 1.5", Assert.Throws<CentrifugeException>(() => (Config with { ProceduralProbability = 1.5 }).Validate()).Message);
    }
}

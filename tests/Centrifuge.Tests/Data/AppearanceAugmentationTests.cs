using Centrifuge.Data;
using Centrifuge.Runtime;
using Centrifuge.Tests.Data.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data;

/// <summary>Per-layer appearance and time augmentation (issue 28), each step against an obvious reference.</summary>
public class AppearanceAugmentationTests
{
    private static readonly DataConfig Config = new() { Frames = 6, Height = 16, Width = 16, BatchSize = 4, Seed = 3, PhotoProbability = 0 };
    private static readonly AppearanceConfig All = new()
    {
        TimeReversal = 0.5, ChannelPermutation = 0.5, HueDegrees = 180, Contrast = new(0.5, 1.5), Saturation = new(0, 2),
        Gamma = new(0.5, 2), Grayscale = 0.2,
    };

    public AppearanceAugmentationTests() => TorchRuntime.EnsureLoaded();

    // [n, 3, 4, 5, 6] of seeded uniform values in [0, 1].
    private static Tensor Clips(int n = 2, int seed = 1)
    {
        var random = new Random(seed);
        float[] values = Enumerable.Range(0, n * 3 * 4 * 5 * 6).Select(_ => (float)random.NextDouble()).ToArray();
        return tensor(values, new long[] { n, 3, 4, 5, 6 });
    }

    private static float[] Data(Tensor t) => t.contiguous().data<float>().ToArray();

    private static Tensor Apply(Tensor clips, params LayerAugment[] augments) =>
        AugmentationPipeline.Apply(clips, augments, augments.Select(_ => JitterFactors.None).ToList());

    [Fact]
    public void Channel_permutation_permutes_the_channels_exactly()
    {
        using var scope = NewDisposeScope();
        Tensor x = Clips();
        Tensor y = Apply(x, LayerAugment.None with { Channels = [2, 0, 1] }, LayerAugment.None);
        for (int c = 0; c < 3; c++) Assert.Equal(Data(x[0, new[] { 2, 0, 1 }[c]]), Data(y[0, c]));
        Assert.Equal(Data(x[1]), Data(y[1]));
    }

    [Fact]
    public void Time_reversal_reverses_the_frames_exactly()
    {
        using var scope = NewDisposeScope();
        Tensor x = Clips();
        Tensor y = Apply(x, LayerAugment.None, LayerAugment.None with { Reverse = true });
        for (int t = 0; t < 4; t++) Assert.Equal(Data(x[1, .., 3 - t]), Data(y[1, .., t]));
        Assert.Equal(Data(x[0]), Data(y[0]));
    }

    [Fact]
    public void Hue_rotation_by_0_is_the_identity_by_360_returns_and_by_120_turns_red_into_green()
    {
        using var scope = NewDisposeScope();
        Tensor x = Clips();
        AssertClose(Data(x), Data(ColourJitter.RotateHue(x, [0, 0])), 1e-6);
        AssertClose(Data(x), Data(ColourJitter.RotateHue(x, [360, -360])), 2e-5);
        Tensor red = tensor(new float[] { 1, 0.2f, 0.2f }, new long[] { 1, 3, 1, 1, 1 });
        AssertClose([0.2f, 1, 0.2f], Data(ColourJitter.RotateHue(red, [120])), 1e-6);
    }

    [Fact]
    public void Hue_rotation_matches_a_per_pixel_double_precision_hsv_reference()
    {
        using var scope = NewDisposeScope();
        Tensor x = Clips(2, 5);
        Tensor y = ColourJitter.RotateHue(x, [73, -151]);
        float[] input = Data(x), output = Data(y);
        int plane = 4 * 5 * 6;
        for (int n = 0; n < 2; n++)
            for (int p = 0; p < plane; p++)
            {
                int o = n * 3 * plane + p;
                double[] expected = ReferenceHueShift(input[o], input[o + plane], input[o + 2 * plane], n == 0 ? 73 : -151);
                for (int c = 0; c < 3; c++) Assert.True(Math.Abs(expected[c] - output[o + c * plane]) < 2e-6, $"{expected[c]} vs {output[o + c * plane]}");
            }
    }

    [Fact]
    public void Gamma_raises_to_the_power_and_grayscale_puts_the_luma_in_every_channel()
    {
        using var scope = NewDisposeScope();
        Tensor x = Clips();
        Tensor y = Apply(x, LayerAugment.None with { Gamma = 2 }, LayerAugment.None with { Grayscale = true });
        AssertClose(Data(x[0]).Select(v => v * v).ToArray(), Data(y[0]), 1e-6);
        float[] r = Data(x[1, 0]), g = Data(x[1, 1]), b = Data(x[1, 2]);
        float[] luma = r.Select((_, i) => 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i]).ToArray();
        for (int c = 0; c < 3; c++) AssertClose(luma, Data(y[1, c]), 1e-6);
    }

    [Fact]
    public void With_everything_off_the_pipeline_changes_nothing_and_plans_draw_nothing()
    {
        using var scope = NewDisposeScope();
        Tensor x = Clips();
        Assert.Equal(Data(x), Data(Apply(x, LayerAugment.None, LayerAugment.None)));
        var pool = new ClipPool(Store(), Config.Frames);
        for (int i = 0; i < 20; i++)
            Assert.All(BlendComposer.Plan(pool, Config, BlendRecipe.Train, Config.Seed, 0, i).Layers, l => Assert.True(l.Augment.IsNone));
    }

    [Fact]
    public void Draws_are_deterministic_per_key_in_range_and_leave_frames_crops_and_flips_alone()
    {
        var pool = new ClipPool(Store(), Config.Frames);
        DataConfig on = Config with { Appearance = All };
        var augments = new List<LayerAugment>();
        for (int i = 0; i < 400; i++)
        {
            SamplePlan plain = BlendComposer.Plan(pool, Config, BlendRecipe.Train, Config.Seed, 7, i);
            SamplePlan a = BlendComposer.Plan(pool, on, BlendRecipe.Train, Config.Seed, 7, i);
            SamplePlan b = BlendComposer.Plan(pool, on, BlendRecipe.Train, Config.Seed, 7, i);
            Assert.Equal(plain.Flip, a.Flip);
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(plain.Layers[j].Frames, a.Layers[j].Frames);
                Assert.Equal(plain.Layers[j].Box, a.Layers[j].Box);
                Assert.Equal(a.Layers[j].Augment with { Channels = [] }, b.Layers[j].Augment with { Channels = [] });
                Assert.Equal(a.Layers[j].Augment.Channels, b.Layers[j].Augment.Channels);
                Assert.Equal(a.Layers[j].Jitter, b.Layers[j].Jitter);
                Assert.InRange(a.Layers[j].Jitter.Contrast, 0.5, 1.5);
                augments.Add(a.Layers[j].Augment);
            }
        }
        Assert.All(augments, a => Assert.InRange(a.HueDegrees, -180, 180));
        Assert.All(augments, a => Assert.InRange(a.Gamma, 0.5, 2));
        Assert.All(augments, a => Assert.Equal([0, 1, 2], a.Channels.Order()));
        Assert.InRange(augments.Count(a => a.Reverse) / 800.0, 0.4, 0.6);
        Assert.InRange(augments.Count(a => !a.Channels.SequenceEqual([0, 1, 2])) / 800.0, 0.4, 0.6);
        Assert.InRange(augments.Count(a => a.Grayscale) / 800.0, 0.13, 0.27);
        Assert.Equal(5, augments.Select(a => string.Join(",", a.Channels)).Distinct().Count() - 1);   // all five other orders
        // Evaluation draws nothing.
        Assert.All(BlendComposer.Plan(pool, on, BlendRecipe.Evaluation, Config.Seed, -1, 0).Layers, l => Assert.True(l.Augment.IsNone));
    }

    [Fact]
    public void A_rendered_batch_is_the_same_bytes_for_the_same_seed()
    {
        var pool = new ClipPool(Store(), Config.Frames);
        DataConfig on = Config with { Appearance = All, StrideMax = 4 };
        using BlendedBatch a = BlendLoader.GetBatch(pool, on, 2), b = BlendLoader.GetBatch(pool, on, 2), plain = BlendLoader.GetBatch(pool, Config, 2);
        Assert.Equal(Data(a.Targets), Data(b.Targets));
        Assert.NotEqual(Data(a.Targets), Data(plain.Targets));
        Assert.All(Data(a.Targets), v => Assert.InRange(v, -1, 1));
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_their_name()
    {
        Assert.Contains("appearance.hue_degrees", Assert.Throws<CentrifugeException>(() => (Config with { Appearance = new() { HueDegrees = 200 } }).Validate()).Message);
        Assert.Contains("appearance.gamma", Assert.Throws<CentrifugeException>(() => (Config with { Appearance = new() { Gamma = new(0, 2) } }).Validate()).Message);
        Assert.Contains("appearance.grayscale", Assert.Throws<CentrifugeException>(() => (Config with { Appearance = new() { Grayscale = 1.5 } }).Validate()).Message);
    }

    private static MemoryFrameStore Store()
    {
        var store = new MemoryFrameStore();
        for (int i = 0; i < 4; i++) store.Add($"v{i}", 40, 19, 25, seed: i);
        return store;
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] {expected[i]} vs {actual[i]}");
    }

    // The textbook RGB -> HSV -> RGB with the hue shifted, one pixel in double precision.
    private static double[] ReferenceHueShift(double r, double g, double b, double degrees)
    {
        double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), c = max - min;
        double h = c == 0 ? 0 : max == r ? 60 * (((g - b) / c) % 6) : max == g ? 60 * ((b - r) / c + 2) : 60 * ((r - g) / c + 4);
        h = ((h + degrees) % 360 + 360) % 360;
        double x = c * (1 - Math.Abs(h / 60 % 2 - 1)), m = max - c;
        (double r1, double g1, double b1) = (int)(h / 60) switch
        {
            0 => (c, x, 0.0), 1 => (x, c, 0.0), 2 => (0.0, c, x), 3 => (0.0, x, c), 4 => (x, 0.0, c), _ => (c, 0.0, x),
        };
        return [r1 + m, g1 + m, b1 + m];
    }
}

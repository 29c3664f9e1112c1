using Centrifuge.Data;
using Centrifuge.Tests.Data.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data;

/// <summary>Scale augmentation: random resized crops from a cache at a larger short side (issue 28).</summary>
public class RandomResizedCropTests
{
    private static readonly DataConfig Config = new() { Frames = 4, Height = 64, Width = 64, ShortSideScale = 1.15, CacheShortSide = 192, CropScale = new UniformRange(0.25, 1) };

    [Fact]
    public void Fields_cover_the_scale_range_of_the_short_side_and_stay_inside_the_frame()
    {
        SpatialSampler sampler = SpatialSampler.For(Config, training: true);
        var rng = new SplitMix64(7);
        var fractions = new List<double>();
        var xs = new HashSet<int>();
        for (int i = 0; i < 2000; i++)
        {
            CropBox b = sampler.Sample(320, 192, ref rng);
            Assert.True(b.X >= 0 && b.Y >= 0 && b.X + b.Width <= 320 && b.Y + b.Height <= 192, b.ToString());
            Assert.Equal(b.Width, b.Height);   // no aspect jitter: the clip's square aspect
            fractions.Add(b.Height / 192.0);
            xs.Add(b.X);
        }
        Assert.All(fractions, f => Assert.InRange(f, 0.25 - 1 / 192.0, 1));
        Assert.True(fractions.Min() < 0.27 && fractions.Max() > 0.98, $"{fractions.Min()} .. {fractions.Max()}");
        Assert.InRange(fractions.Average(), 0.6, 0.65);   // uniform on [0.25, 1]: mean 0.625
        Assert.True(xs.Count > 200, "positions spread over the frame");
    }

    [Fact]
    public void Aspect_jitter_stays_in_its_range_and_keeps_the_area()
    {
        DataConfig config = Config with { CropScale = new UniformRange(0.5, 0.5), CropAspect = new UniformRange(0.75, 4.0 / 3) };
        SpatialSampler sampler = SpatialSampler.For(config, training: true);
        var rng = new SplitMix64(8);
        var aspects = new List<double>();
        for (int i = 0; i < 1000; i++)
        {
            CropBox b = sampler.Sample(400, 300, ref rng);
            double aspect = (double)b.Width / b.Height;
            Assert.InRange(aspect, 0.75 * 0.98, 4.0 / 3 * 1.02);
            Assert.InRange(Math.Sqrt(b.Width * b.Height), 148, 152);   // area of a 150 x 150 field
            aspects.Add(aspect);
        }
        Assert.True(aspects.Min() < 0.78 && aspects.Max() > 1.28, $"{aspects.Min()} .. {aspects.Max()}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_boxes_and_another_seed_other_boxes()
    {
        SpatialSampler sampler = SpatialSampler.For(Config with { CropAspect = new UniformRange(0.5, 2) }, training: true);
        CropBox[] Draw(long seed)
        {
            var rng = SplitMix64.Derive(seed, 3, 4, 100);
            return Enumerable.Range(0, 20).Select(_ => sampler.Sample(320, 192, ref rng)).ToArray();
        }
        Assert.Equal(Draw(1), Draw(1));
        Assert.NotEqual(Draw(1), Draw(2));
    }

    [Fact]
    public void Evaluation_keeps_the_centre_crop_at_the_training_scale_whatever_the_cache_holds()
    {
        var rng = new SplitMix64(9);
        SpatialSampler centre = SpatialSampler.For(Config, training: false);
        // Training scale 74 for 64-px crops: the field is 64/74 of the short side, at 74 px as at 192 px.
        Assert.Equal(new CropBox(14, 5, 64, 64), centre.Sample(92, 74, ref rng));
        Assert.Equal(new CropBox(77, 13, 166, 166), centre.Sample(320, 192, ref rng));
        Assert.Equal(74, Config.ShortSide);
        Assert.Equal(192, Config.StoredShortSide);
    }

    [Fact]
    public void A_whole_frame_field_is_the_frame_resized_to_the_clip()
    {
        // A horizontal ramp, 128 x 128: the full-frame crop resized to 64 x 64 averages pixel pairs (antialiased).
        var store = new MemoryFrameStore();
        int v = store.Add("ramp", 4, 128, 128, 1);
        for (int i = 0; i < store.Data[v].Length; i++) store.Data[v][i] = (byte)(i / 3 % 128 * 2);
        var layer = new LayerPlan(LayerKind.Moving, v, [0, 1, 2, 3], new CropBox(0, 0, 128, 128), JitterFactors.None);
        using var scope = torch.NewDisposeScope();
        Tensor clip = LayerRenderer.RenderLayer(store, layer, 4, 64, 64);   // [3, T, H, W]
        Assert.Equal(new long[] { 3, 4, 64, 64 }, clip.shape);
        for (int x = 1; x < 63; x++)   // (the edge pixels' filter is cut by the frame's border)
        {
            double expected = (store.Pixel(v, 0, 0, 2 * x, 0) + store.Pixel(v, 0, 0, 2 * x + 1, 0)) / 2.0 / 255;
            Assert.Equal(expected, clip[1, 2, 10, x].item<float>(), 3);
        }
    }

    [Fact]
    public void A_field_shrunk_four_times_is_low_passed_not_aliased()
    {
        // Uniform noise (std 0.29): plain bilinear at 1/4 keeps 2 x 2 pixels per output (std ~0.14); the antialiased
        // resize averages a triangle over 8 x 8 (std ~0.05).
        var store = new MemoryFrameStore();
        int v = store.Add("noise", 1, 256, 256, 5);
        var layer = new LayerPlan(LayerKind.Moving, v, [0], new CropBox(0, 0, 256, 256), JitterFactors.None);
        using var scope = torch.NewDisposeScope();
        Tensor clip = LayerRenderer.RenderLayer(store, layer, 1, 64, 64);
        Assert.InRange(clip.std().item<float>(), 0.03, 0.08);
        Assert.InRange(clip.mean().item<float>(), 0.45, 0.55);
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_their_name()
    {
        Assert.Contains("cache_short_side", Assert.Throws<CentrifugeException>(() => (Config with { CacheShortSide = 60 }).Validate()).Message);
        Assert.Contains("crop_scale", Assert.Throws<CentrifugeException>(() => (Config with { CropScale = new UniformRange(0.2, 1.5) }).Validate()).Message);
        Assert.Contains("crop_scale and scale_jitter", Assert.Throws<CentrifugeException>(() => (Config with { ScaleJitter = new UniformRange(0.9, 1.1) }).Validate()).Message);
        Assert.Contains("crop_aspect", Assert.Throws<CentrifugeException>(() => (Config with { CropScale = null, CropAspect = new UniformRange(0.8, 1.2) }).Validate()).Message);
    }
}

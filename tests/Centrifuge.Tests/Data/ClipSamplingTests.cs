using Centrifuge.Data;

namespace Centrifuge.Tests.Data;

public class ClipSamplingTests
{
    [Fact]
    public void Training_clips_are_consecutive_inside_the_video_and_evaluation_clips_are_centred()
    {
        var rng = new SplitMix64(1);
        var starts = new HashSet<int>();
        for (int i = 0; i < 200; i++)
        {
            int[] f = ClipSampler.Sample(50, 8, 1, random: true, ref rng)!;
            Assert.InRange(f[0], 0, 42);
            Assert.Equal(Enumerable.Range(f[0], 8), f);
            starts.Add(f[0]);
        }
        Assert.True(starts.Count > 30, "random offsets cover the video");
        Assert.Equal(Enumerable.Range(21, 8), ClipSampler.Sample(50, 8, 1, random: false, ref rng)!);
        Assert.Null(ClipSampler.Sample(7, 8, 1, true, ref rng));
    }

    [Fact]
    public void Target_fps_and_stride_step_through_the_source_and_shrink_when_the_video_is_short()
    {
        var rng = new SplitMix64(2);
        Assert.Equal(2.0, ClipSampler.Step(30, 15, 1));
        Assert.Equal(1.25 * 2, ClipSampler.Step(25, 20, 2));
        Assert.Equal([0, 2, 4, 6], ClipSampler.Sample(7, 4, 2, false, ref rng)!);
        // 4 frames at step 2 span 7 frames; only 5 exist: the step drops to 1.
        Assert.Equal([0, 1, 2, 3], ClipSampler.Sample(5, 4, 2, false, ref rng)!.Select(i => i - 0));
        int[] r = ClipSampler.Sample(30, 8, 2.5, false, ref rng)!;
        Assert.Equal(8, r.Distinct().Count());
        Assert.All(r.Zip(r.Skip(1)), p => Assert.InRange(p.Second - p.First, 2, 3));
    }

    [Fact]
    public void Frozen_clips_repeat_one_frame()
    {
        var rng = new SplitMix64(3);
        int[] f = ClipSampler.Frozen(40, 16, true, ref rng);
        Assert.Single(f.Distinct());
        Assert.InRange(f[0], 0, 39);
        Assert.Equal(20, ClipSampler.Frozen(40, 16, false, ref rng)[0]);
    }

    [Fact]
    public void Crops_stay_inside_the_frame_and_the_evaluation_crop_is_centred()
    {
        var config = new DataConfig { Height = 112, Width = 112 };
        Assert.Equal(129, config.ShortSide);
        var rng = new SplitMix64(4);
        var xs = new HashSet<int>();
        foreach (double scale in new[] { 1.0, 0.8, 1.3, 3.0 })
            for (int i = 0; i < 300; i++)
            {
                CropBox b = SpatialSampler.For(config with { ScaleJitter = new UniformRange(scale, scale) }, training: true).Sample(172, 129, ref rng);
                Assert.True(b.X >= 0 && b.Y >= 0 && b.X + b.Width <= 172 && b.Y + b.Height <= 129, b.ToString());
                if (scale == 1.0) { Assert.Equal((112, 112), (b.Width, b.Height)); xs.Add(b.X); }
            }
        Assert.Equal(61, xs.Count); // every offset 0..60 is reachable
        SpatialSampler centre = SpatialSampler.For(config, training: false);
        Assert.Equal(new CropBox(30, 8, 112, 112), centre.Sample(172, 129, ref rng));
        // A cache stored at twice the short side: the box covers the same field of view.
        Assert.Equal(new CropBox(60, 17, 224, 224), centre.Sample(344, 258, ref rng));
    }

    [Fact]
    public void Weights_sum_to_one_fixed_or_drawn_for_two_and_more_layers()
    {
        var rng = new SplitMix64(5);
        Assert.Equal([0.5, 0.5], LayerWeights.Sample(new DataConfig(), true, ref rng));
        double[] fixedAlpha = LayerWeights.Sample(new DataConfig { Alpha = 0.3 }, true, ref rng);
        Assert.Equal(0.7, fixedAlpha[0], 12);
        Assert.Equal(0.3, fixedAlpha[1], 12);
        var ranged = new DataConfig { AlphaRange = new UniformRange(0.25, 0.75) };
        for (int i = 0; i < 100; i++)
        {
            double[] w = LayerWeights.Sample(ranged, true, ref rng);
            Assert.InRange(w[1], 0.25, 0.75);
            Assert.Equal(1.0, w.Sum(), 12);
        }
        Assert.Equal([0.5, 0.5], LayerWeights.Sample(ranged, random: false, ref rng)); // evaluation: fixed alpha
        double[] three = LayerWeights.Sample(ranged with { Layers = 3 }, true, ref rng);
        Assert.Equal(3, three.Length);
        Assert.Equal(1.0, three.Sum(), 12);
        Assert.Equal(Enumerable.Repeat(1 / 3.0, 3), LayerWeights.Sample(new DataConfig { Layers = 3 }, true, ref rng));
    }

    [Fact]
    public void Random_streams_depend_on_every_coordinate()
    {
        ulong a = SplitMix64.Derive(1, 2, 3).NextUInt64();
        Assert.Equal(a, SplitMix64.Derive(1, 2, 3).NextUInt64());
        Assert.NotEqual(a, SplitMix64.Derive(1, 3, 2).NextUInt64());
        Assert.NotEqual(a, SplitMix64.Derive(2, 2, 3).NextUInt64());
    }
}

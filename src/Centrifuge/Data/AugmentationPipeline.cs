using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>
/// What one training layer's augmentation drew (beyond its frames, crop and <see cref="JitterFactors"/>): direction of
/// time, channel order, hue rotation, gamma, grayscale. <see cref="None"/> changes nothing.
/// </summary>
public sealed record LayerAugment(bool Reverse, int[] Channels, double HueDegrees, double Gamma, bool Grayscale)
{
    public static readonly LayerAugment None = new(false, [0, 1, 2], 0, 1, false);

    public bool IsNone => !Reverse && Channels.SequenceEqual(None.Channels) && HueDegrees == 0 && Gamma == 1 && !Grayscale;
}

/// <summary>
/// The training augmentation of Centrifuge, named in one place in the order it is applied. Every random choice is
/// drawn up front into the <see cref="SamplePlan"/> from streams derived from (seed, key, purpose), so a sample is a
/// pure function of its key; evaluation draws nothing (centre crop, centred clip, no flip, alpha fixed).
/// <list type="number">
/// <item>Frames: a temporal stride in [stride_min, stride_max] and a random offset (<see cref="ClipSampler"/>).</item>
/// <item>Field of view: a random crop, of jittered scale (scale_jitter) or a random resized crop (crop_scale,
///   crop_aspect), from frames cached at cache_short_side (<see cref="SpatialSampler"/>); resized to H x W.</item>
/// <item>Per layer, here: time reversal, channel permutation, hue rotation, brightness / contrast / saturation
///   (colour_jitter, appearance.contrast / saturation), gamma, grayscale (<see cref="AppearanceConfig"/>).</item>
/// <item>Per sample: a left-right flip (flip_probability), then the blend with weights from alpha / alpha_range.</item>
/// </list>
/// </summary>
public static class AugmentationPipeline
{
    private static readonly int[][] OtherOrders = [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

    /// <summary>
    /// Draws step 3 for one layer from its own stream; contrast and saturation ranges replace those of
    /// <paramref name="jitter"/>. Nothing is drawn for keys that are off.
    /// </summary>
    public static (LayerAugment Augment, JitterFactors Jitter) Sample(AppearanceConfig config, JitterFactors jitter, ref SplitMix64 rng)
    {
        bool reverse = rng.Chance(config.TimeReversal);
        int[] channels = rng.Chance(config.ChannelPermutation) ? OtherOrders[rng.NextInt(OtherOrders.Length)] : LayerAugment.None.Channels;
        double hue = config.HueDegrees > 0 ? (2 * rng.NextDouble() - 1) * config.HueDegrees : 0;
        if (config.Contrast is UniformRange c) jitter = jitter with { Contrast = c.Sample(ref rng) };
        if (config.Saturation is UniformRange s) jitter = jitter with { Saturation = s.Sample(ref rng) };
        double gamma = config.Gamma is UniformRange g ? Math.Exp(new UniformRange(Math.Log(g.Low), Math.Log(g.High)).Sample(ref rng)) : 1;
        bool gray = rng.Chance(config.Grayscale);
        return (new LayerAugment(reverse, channels, hue, gamma, gray), jitter);
    }

    /// <summary>
    /// Step 3 on many layers at once: clips [N, 3, T, H, W] in [0, 1], one augment and jitter per clip -> [N, 3, T, H, W]
    /// in [0, 1]. Each operation runs only when some clip needs it, so a config with everything off is untouched.
    /// </summary>
    public static Tensor Apply(Tensor clips, IReadOnlyList<LayerAugment> augments, IReadOnlyList<JitterFactors> jitter)
    {
        using var scope = NewDisposeScope();
        Tensor x = clips;
        if (augments.Any(a => a.Reverse)) x = Where(augments.Select(a => a.Reverse), x.flip(2), x);
        if (augments.Any(a => !a.Channels.SequenceEqual(LayerAugment.None.Channels)))
            x = stack(augments.Select((a, i) => x[i].index_select(0, tensor(a.Channels.Select(c => (long)c).ToArray()))).ToArray());
        if (augments.Any(a => a.HueDegrees != 0)) x = ColourJitter.RotateHue(x, augments.Select(a => a.HueDegrees).ToArray());
        if (jitter.Any(j => j != JitterFactors.None)) x = ColourJitter.Apply(x, jitter);
        if (augments.Any(a => a.Gamma != 1))
            x = x.AtLeast(0).pow(tensor(augments.Select(a => (float)a.Gamma).ToArray(), new long[] { augments.Count, 1, 1, 1, 1 }));
        if (augments.Any(a => a.Grayscale)) x = Where(augments.Select(a => a.Grayscale), ColourJitter.Gray(x).expand_as(x), x);
        return x.contiguous().MoveToOuterDisposeScope();
    }

    // Per clip: `yes` where the flag is set, else `no` ([N, ...] each).
    private static Tensor Where(IEnumerable<bool> flags, Tensor yes, Tensor no)
    {
        bool[] f = flags.ToArray();
        return where(tensor(f).view(f.Length, 1, 1, 1, 1), yes, no);
    }
}

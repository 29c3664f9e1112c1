namespace Centrifuge.Data;

/// <summary>
/// Where a clip is cut from a stored frame (paper section 4): frames are stored with their short side at 1.15 x the
/// crop size (or larger, <see cref="DataConfig.CacheShortSide"/>). Evaluation takes the nominal crop at the training
/// scale, centred (<see cref="CentreCrop"/>); training a random one (<see cref="RandomCrop"/>): the nominal crop at a random
/// place, optionally of a jittered size, or a random resized crop over a wide range of scales and aspects.
/// Boxes of another size than H x W are resized to it afterwards (<see cref="LayerRenderer"/>).
/// </summary>
public abstract class SpatialSampler
{
    protected DataConfig Config { get; }

    private protected SpatialSampler(DataConfig config) => Config = config;

    /// <summary>The sampler of training (random) or evaluation (centre).</summary>
    public static SpatialSampler For(DataConfig config, bool training) => training ? new RandomCrop(config) : new CentreCrop(config);

    /// <summary>The crop box in a stored frame of <paramref name="frameWidth"/> x <paramref name="frameHeight"/>.</summary>
    public abstract CropBox Sample(int frameWidth, int frameHeight, ref SplitMix64 rng);

    // The nominal crop times `scale`, in pixels of a frame stored at any short side (proportional to the config's).
    private protected (double Width, double Height) Nominal(int frameWidth, int frameHeight, double scale)
    {
        double s = (double)Math.Min(frameWidth, frameHeight) / Config.ShortSide * scale;
        return (Config.Width * s, Config.Height * s);
    }

    private static (int Width, int Height) Fit(double width, double height, int frameWidth, int frameHeight) =>
        (Math.Clamp((int)Math.Round(width), 1, frameWidth), Math.Clamp((int)Math.Round(height), 1, frameHeight));

    /// <summary>Evaluation: the nominal crop at the training scale, centred; draws nothing.</summary>
    public sealed class CentreCrop(DataConfig config) : SpatialSampler(config)
    {
        public override CropBox Sample(int frameWidth, int frameHeight, ref SplitMix64 rng)
        {
            (double nw, double nh) = Nominal(frameWidth, frameHeight, 1);
            (int w, int h) = Fit(nw, nh, frameWidth, frameHeight);
            return new CropBox((frameWidth - w) / 2, (frameHeight - h) / 2, w, h);
        }
    }

    /// <summary>
    /// Training: with <see cref="DataConfig.CropScale"/>, a random resized crop whose short side is that fraction of the
    /// frame's (aspect jittered by <see cref="DataConfig.CropAspect"/>); else the nominal crop, scaled by
    /// <see cref="DataConfig.ScaleJitter"/>. At a uniformly random place inside the frame.
    /// </summary>
    public sealed class RandomCrop(DataConfig config) : SpatialSampler(config)
    {
        public override CropBox Sample(int frameWidth, int frameHeight, ref SplitMix64 rng)
        {
            (double fw, double fh) = Config.CropScale is UniformRange field
                ? Field(frameWidth, frameHeight, field.Sample(ref rng), Config.CropAspect is UniformRange a ? LogUniform(a, ref rng) : 1)
                : Nominal(frameWidth, frameHeight, Config.ScaleJitter is UniformRange s ? s.Sample(ref rng) : 1);
            (int w, int h) = Fit(fw, fh, frameWidth, frameHeight);
            int x = rng.NextInt(frameWidth - w + 1);
            int y = rng.NextInt(frameHeight - h + 1);
            return new CropBox(x, y, w, h);
        }

        // A field with the clip's aspect whose short side is `fraction` of the frame's, then stretched by `aspect`
        // (width x sqrt(aspect), height / sqrt(aspect), so its area is kept).
        private (double Width, double Height) Field(int frameWidth, int frameHeight, double fraction, double aspect)
        {
            double side = fraction * Math.Min(frameWidth, frameHeight);
            double clipAspect = (double)Config.Width / Config.Height;
            double w = side * Math.Max(1, clipAspect), h = side * Math.Max(1, 1 / clipAspect);
            return (w * Math.Sqrt(aspect), h / Math.Sqrt(aspect));
        }

        private static double LogUniform(UniformRange range, ref SplitMix64 rng) =>
            Math.Exp(new UniformRange(Math.Log(range.Low), Math.Log(range.High)).Sample(ref rng));
    }
}

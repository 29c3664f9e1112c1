namespace Centrifuge.Data;

/// <summary>
/// Spatial augmentation (paper section 4): frames are stored with their short side at 1.15 x the crop size; training
/// takes a random H x W crop (optionally of a jittered size, resized back to H x W), evaluation the centre crop.
/// </summary>
public static class SpatialSampler
{
    /// <summary>
    /// The crop box in a stored frame of <paramref name="frameWidth"/> x <paramref name="frameHeight"/>. Frames stored
    /// at another short side than the config's get a proportionally sized box (resized to H x W afterwards).
    /// </summary>
    public static CropBox Sample(int frameWidth, int frameHeight, DataConfig config, bool random, double scale, ref SplitMix64 rng)
    {
        double s = (double)Math.Min(frameWidth, frameHeight) / config.ShortSide * scale;
        int w = Math.Clamp((int)Math.Round(config.Width * s), 1, frameWidth);
        int h = Math.Clamp((int)Math.Round(config.Height * s), 1, frameHeight);
        int x = random ? rng.NextInt(frameWidth - w + 1) : (frameWidth - w) / 2;
        int y = random ? rng.NextInt(frameHeight - h + 1) : (frameHeight - h) / 2;
        return new CropBox(x, y, w, h);
    }
}

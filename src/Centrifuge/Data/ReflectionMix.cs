using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>
/// The random choices of one reflection-style mixture (<see cref="ReflectionConfig"/>): which layer is the
/// reflection, its blur, the ramp of its strength a(x) (from <see cref="StrengthFrom"/> to <see cref="StrengthTo"/>
/// along the direction <see cref="RampAngle"/>), and the tint of the transmitted layer.
/// </summary>
public sealed record ReflectionMix(int Layer, double BlurSigma, double StrengthFrom, double StrengthTo, double RampAngle, float[] Gains)
{
    /// <summary>Below this the blur is left out: the kernel would be a single tap.</summary>
    private const double SharpSigma = 0.3;

    public static ReflectionMix Sample(ReflectionConfig config, ref SplitMix64 rng)
    {
        int layer = rng.NextInt(2);
        double sigma = config.BlurSigma.Sample(ref rng);
        double from = config.Strength.Sample(ref rng), to = config.Strength.Sample(ref rng);
        double angle = 2 * Math.PI * rng.NextDouble();
        var gains = new float[3];
        for (int c = 0; c < 3; c++) gains[c] = (float)(1 - config.ColourFilter * rng.NextDouble());
        return new ReflectionMix(layer, sigma, from, to, angle, gains);
    }

    /// <summary>
    /// a(x) as [H, W]: a linear ramp whose projection onto (cos angle, sin angle) runs from StrengthFrom at one corner
    /// of the frame to StrengthTo at the opposite one (pixel centres on [-1, 1] in both directions).
    /// </summary>
    public Tensor StrengthMap(int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        double cos = Math.Cos(RampAngle), sin = Math.Sin(RampAngle), reach = Math.Abs(cos) + Math.Abs(sin);
        Tensor y = PixelCentres(height).view(height, 1), x = PixelCentres(width).view(1, width);
        Tensor along = x.Times(cos).Plus(y.Times(sin)).Times(0.5 / reach).Plus(0.5);          // [H, W] in [0, 1]
        return along.Times(StrengthTo - StrengthFrom).Plus(StrengthFrom).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The per-pixel weights of the two layers as [2, 1, 1, H, W]: a(x) for the reflection, 1 - a(x) for the scene.
    /// </summary>
    public Tensor WeightMaps(int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = StrengthMap(height, width);
        Tensor maps = Layer == 1 ? torch.stack([a.SubtractedFrom(1), a]) : torch.stack([a, a.SubtractedFrom(1)]);
        return maps.view(2, 1, 1, height, width).MoveToOuterDisposeScope();
    }

    /// <summary>The frame means of <see cref="WeightMaps"/>: a ramp's mean over the frame is the mean of its two ends.</summary>
    public double[] MeanWeights
    {
        get
        {
            double strength = (StrengthFrom + StrengthTo) / 2;
            return Layer == 1 ? [1 - strength, strength] : [strength, 1 - strength];
        }
    }

    /// <summary>The reflection as it enters the mixture: clip [3, T, H, W] blurred frame by frame (reflect-padded).</summary>
    public Tensor Blur(Tensor clip) => GaussianBlur(clip, BlurSigma);

    /// <summary>The transmitted layer seen through the tint: clip [3, T, H, W] in [0, 1] times the per-channel gains.</summary>
    public Tensor Tint(Tensor clip) => clip * torch.tensor(Gains, new long[] { 3, 1, 1, 1 });

    /// <summary>
    /// Separable Gaussian blur of each frame of [3, T, H, W] with standard deviation sigma (pixels); the kernel's radius
    /// is ceil(3 sigma), capped below the frame's size, and its taps sum to one, so flat regions keep their value.
    /// </summary>
    public static Tensor GaussianBlur(Tensor clip, double sigma)
    {
        if (sigma < SharpSigma) return clip.alias();
        using var scope = torch.NewDisposeScope();
        long t = clip.shape[1], h = clip.shape[2], w = clip.shape[3];
        int radius = (int)Math.Min(Math.Ceiling(3 * sigma), Math.Min(h, w) - 1);
        var taps = new float[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) taps[i + radius] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma));
        float total = taps.Sum();
        for (int i = 0; i < taps.Length; i++) taps[i] /= total;
        Tensor kernel = torch.tensor(taps);
        Tensor frames = clip.permute(1, 0, 2, 3);                                     // [T, 3, H, W]
        frames = nn.functional.pad(frames, new long[] { radius, radius, 0, 0 }, PaddingModes.Reflect);
        frames = nn.functional.conv2d(frames, kernel.view(1, 1, 1, -1).expand(3, 1, 1, taps.Length), groups: 3);
        frames = nn.functional.pad(frames, new long[] { 0, 0, radius, radius }, PaddingModes.Reflect);
        frames = nn.functional.conv2d(frames, kernel.view(1, 1, -1, 1).expand(3, 1, taps.Length, 1), groups: 3);
        return frames.permute(1, 0, 2, 3).contiguous().MoveToOuterDisposeScope();  // [3, T, H, W]
    }

    private static Tensor PixelCentres(int count) =>
        count == 1 ? torch.zeros(1, ScalarType.Float64) : torch.linspace(-1, 1, count, ScalarType.Float64);
}

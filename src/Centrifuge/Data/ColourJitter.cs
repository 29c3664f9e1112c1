using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>Brightness, contrast and saturation factors of one layer (1 = unchanged), as in torchvision's ColorJitter.</summary>
public readonly record struct JitterFactors(double Brightness, double Contrast, double Saturation)
{
    public static readonly JitterFactors None = new(1, 1, 1);

    public static JitterFactors Sample(double strength, ref SplitMix64 rng) => strength <= 0
        ? None
        : new(1 + strength * (2 * rng.NextDouble() - 1), 1 + strength * (2 * rng.NextDouble() - 1), 1 + strength * (2 * rng.NextDouble() - 1));
}

/// <summary>Applies <see cref="JitterFactors"/> to many clips at once.</summary>
public static class ColourJitter
{
    /// <summary>clips [N, 3, T, H, W] in [0, 1], one factor triple per clip -> [N, 3, T, H, W] in [0, 1].</summary>
    public static Tensor Apply(Tensor clips, IReadOnlyList<JitterFactors> factors)
    {
        using var scope = NewDisposeScope();
        long n = clips.shape[0];
        Tensor F(Func<JitterFactors, double> pick) =>
            tensor(factors.Select(f => (float)pick(f)).ToArray(), new long[] { n, 1, 1, 1, 1 });
        Tensor x = clips * F(f => f.Brightness);
        x = x.clamp(0, 1);
        Tensor mean = Gray(x).mean(new long[] { 1, 2, 3, 4 }, keepdim: true);
        x = ((x - mean) * F(f => f.Contrast) + mean).clamp(0, 1);
        Tensor gray = Gray(x);
        x = ((x - gray) * F(f => f.Saturation) + gray).clamp(0, 1);
        return x.MoveToOuterDisposeScope();
    }

    // ITU-R 601 luma, [N, 1, T, H, W].
    private static Tensor Gray(Tensor x) =>
        x[.., 0..1] * 0.299f + x[.., 1..2] * 0.587f + x[.., 2..3] * 0.114f;
}

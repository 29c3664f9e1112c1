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

/// <summary>Colour operations on many clips at once: <see cref="JitterFactors"/>, hue rotation, luma.</summary>
public static class ColourJitter
{
    /// <summary>clips [N, 3, T, H, W] in [0, 1], one factor triple per clip -> [N, 3, T, H, W] in [0, 1].</summary>
    public static Tensor Apply(Tensor clips, IReadOnlyList<JitterFactors> factors)
    {
        using var scope = NewDisposeScope();
        long n = clips.shape[0];
        Tensor F(Func<JitterFactors, double> pick) =>
            tensor(factors.Select(f => (float)pick(f)).ToArray(), new long[] { n, 1, 1, 1, 1 });
        Tensor x = (clips * F(f => f.Brightness)).ClampTo(0, 1);
        Tensor mean = Gray(x).mean(new long[] { 1, 2, 3, 4 }, keepdim: true);
        x = ((x - mean) * F(f => f.Contrast)).Plus(mean).ClampTo(0, 1);
        Tensor gray = Gray(x);
        x = ((x - gray) * F(f => f.Saturation)).Plus(gray).ClampTo(0, 1);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rotates the hue of each clip by its angle in degrees, in HSV (value and saturation kept, as torchvision's
    /// adjust_hue): clips [N, 3, T, H, W] in [0, 1] -> [N, 3, T, H, W] in [0, 1].
    /// </summary>
    public static Tensor RotateHue(Tensor clips, IReadOnlyList<double> degrees)
    {
        using var scope = NewDisposeScope();
        long n = clips.shape[0];
        Tensor x = clips.ClampTo(0, 1);
        Tensor r = x[.., 0..1], g = x[.., 1..2], b = x[.., 2..3];
        Tensor max = x.amax(new long[] { 1 }, keepdim: true), min = x.amin(new long[] { 1 }, keepdim: true);
        Tensor chroma = max - min;
        Tensor safe = where(chroma.GreaterThan(0), chroma, ones_like(chroma));
        // Hue in sextants [0, 6): which channel is the largest decides the sector.
        Tensor hue = where(max == r, (g - b) / safe, where(max == g, ((b - r) / safe).Plus(2), ((r - g) / safe).Plus(4)));
        Tensor shift = tensor(degrees.Select(d => (float)(d / 60.0)).ToArray(), new long[] { n, 1, 1, 1, 1 });
        hue = hue.Plus(shift).Modulo(6);
        // HSV -> RGB: channel = V - C * clamp(min(k, 4 - k), 0, 1), k = (m + H) mod 6 with m = 5, 3, 1 for R, G, B.
        Tensor Channel(double m)
        {
            Tensor k = hue.Plus(m).Modulo(6);
            return max - chroma * minimum(k, k.SubtractedFrom(4)).ClampTo(0, 1);
        }
        return cat(new[] { Channel(5), Channel(3), Channel(1) }, 1).ClampTo(0, 1).MoveToOuterDisposeScope();
    }


    /// <summary>ITU-R 601 luma: [N, 3, T, H, W] -> [N, 1, T, H, W].</summary>
    public static Tensor Gray(Tensor x) =>
        x[.., 0..1].Times(0.299f).Plus(x[.., 1..2].Times(0.587f)).Plus(x[.., 2..3].Times(0.114f));
}

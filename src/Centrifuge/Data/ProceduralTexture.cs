namespace Centrifuge.Data;

/// <summary>The pattern family of a procedural texture (<see cref="ProceduralTexture"/>).</summary>
public enum TexturePattern { Flat, Gradient, Grating, Noise, Checker }

/// <summary>
/// A procedural texture, a pure function of its seed: two colours mixed by a pattern v(x, y) in [0, 1], colour = A + (B - A) v.
/// Patterns: flat; a linear gradient; a sine or square grating; 1/f^beta noise (a sum of 16 sinusoids of random
/// orientation and phase, frequencies log-uniform, amplitude f^-beta, the spectrum of natural images for beta near 1);
/// a rotated checkerboard. Colours are drawn in HSV with saturation skewed low, as in photographs.
/// </summary>
public static class ProceduralTexture
{
    private const int NoiseWaves = 16;

    /// <summary>The pattern a seed draws (the first choice <see cref="Render"/> makes).</summary>
    public static TexturePattern PatternOf(ulong seed)
    {
        var rng = new SplitMix64(seed);
        return DrawPattern(ref rng);
    }

    private static TexturePattern DrawPattern(ref SplitMix64 rng)
    {
        double u = rng.NextDouble();
        return u < 0.15 ? TexturePattern.Flat : u < 0.35 ? TexturePattern.Gradient : u < 0.55 ? TexturePattern.Grating
            : u < 0.9 ? TexturePattern.Noise : TexturePattern.Checker;
    }

    /// <summary>The texture of <paramref name="seed"/> at <paramref name="size"/> x <paramref name="size"/>: [3, size, size] row-major, in [0, 1].</summary>
    public static float[] Render(ulong seed, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "a texture is at least 1 pixel");
        var rng = new SplitMix64(seed);
        TexturePattern pattern = DrawPattern(ref rng);
        double[] a = Colour(ref rng);
        // The second colour is another colour, or a lighter / darker shade of the first.
        double[] b = rng.Chance(0.5) ? Colour(ref rng) : Shade(a, 0.3 + 0.7 * rng.NextDouble(), rng.Chance(0.5));
        Func<double, double, double> field = Field(pattern, size, ref rng);
        var texture = new float[3 * size * size];
        for (int row = 0; row < size; row++)
        {
            double y = (2 * row + 1.0) / size - 1;
            for (int col = 0; col < size; col++)
            {
                double v = Math.Clamp(field((2 * col + 1.0) / size - 1, y), 0, 1);
                for (int c = 0; c < 3; c++) texture[(c * size + row) * size + col] = (float)(a[c] + (b[c] - a[c]) * v);
            }
        }
        return texture;
    }

    // v(x, y) in [0, 1] over [-1, 1]^2; every random choice drawn here, before any pixel.
    private static Func<double, double, double> Field(TexturePattern pattern, int size, ref SplitMix64 rng)
    {
        double angle = rng.NextDouble() * 2 * Math.PI, dx = Math.Cos(angle), dy = Math.Sin(angle);
        switch (pattern)
        {
            case TexturePattern.Flat:
                return (_, _) => 0;
            case TexturePattern.Gradient:
                return (x, y) => 0.5 + 0.5 * (x * dx + y * dy) / Math.Sqrt(2);
            case TexturePattern.Grating:
            {
                // 1 to 8 cycles across the texture, at most a quarter of the sampling rate.
                double cycles = 1 + Math.Min(7, size / 8.0) * rng.NextDouble(), phase = rng.NextDouble() * 2 * Math.PI;
                bool square = rng.Chance(0.4);
                return (x, y) =>
                {
                    double s = Math.Sin(Math.PI * cycles * (x * dx + y * dy) + phase);
                    return square ? (s > 0 ? 1 : 0) : 0.5 + 0.5 * s;
                };
            }
            case TexturePattern.Checker:
            {
                int cells = rng.NextInt(2, 6);
                return (x, y) =>
                {
                    double u = (x * dx + y * dy + 1.5) * cells / 2, w = (-x * dy + y * dx + 1.5) * cells / 2;
                    return ((int)Math.Floor(u) + (int)Math.Floor(w)) % 2 == 0 ? 0 : 1;
                };
            }
            default:
            {
                double beta = 0.5 + rng.NextDouble(), top = Math.Max(1, size / 6.0);
                var waves = new (double Kx, double Ky, double Phase, double Amplitude)[NoiseWaves];
                for (int i = 0; i < NoiseWaves; i++)
                {
                    double f = 0.5 * Math.Pow(top / 0.5, rng.NextDouble()), theta = rng.NextDouble() * 2 * Math.PI;
                    double amplitude = Math.Pow(f, -beta);
                    waves[i] = (Math.PI * f * Math.Cos(theta), Math.PI * f * Math.Sin(theta), rng.NextDouble() * 2 * Math.PI, amplitude);
                }
                // Scaled so the sum's standard deviation (sqrt(sum a^2 / 2)) maps to about a quarter of the range.
                double spread = Math.Sqrt(waves.Sum(w => w.Amplitude * w.Amplitude) / 2);
                return (x, y) =>
                {
                    double s = 0;
                    foreach (var w in waves) s += w.Amplitude * Math.Sin(w.Kx * x + w.Ky * y + w.Phase);
                    return 0.5 + 0.25 * s / spread;
                };
            }
        }
    }

    // A colour in [0, 1]^3 from HSV: any hue, saturation skewed low, value in [0.05, 1].
    private static double[] Colour(ref SplitMix64 rng)
    {
        double h = rng.NextDouble(), s = Math.Pow(rng.NextDouble(), 1.5), v = 0.05 + 0.95 * rng.NextDouble();
        return FromHsv(h, s, v);
    }

    private static double[] Shade(double[] colour, double amount, bool lighter) =>
        colour.Select(c => lighter ? c + (1 - c) * amount : c * (1 - amount)).ToArray();

    /// <summary>HSV (each in [0, 1]) to RGB in [0, 1].</summary>
    public static double[] FromHsv(double h, double s, double v)
    {
        double sector = (h - Math.Floor(h)) * 6, f = sector - Math.Floor(sector);
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        return (int)Math.Floor(sector) switch
        {
            0 => [v, t, p],
            1 => [q, v, p],
            2 => [p, v, t],
            3 => [p, q, v],
            4 => [t, p, v],
            _ => [v, p, q],
        };
    }
}

namespace Centrifuge.Tests.Evaluation.Scoring;

/// <summary>
/// The identity baseline in plain double-precision loops, written from the paper (eq. 2, 3) and the metric
/// definitions, independent of the library: both outputs are the mixture, so PIT picks either order.
/// Videos are float arrays [3, T, H, W] in [-1, 1].
/// </summary>
public static class IdentityReference
{
    /// <summary>l(U, V) = 1/(2T) Σ_t (mean|U_t − V_t| + mean over both gradient fields |∇U_t − ∇V_t|).</summary>
    public static double Loss(float[] u, float[] v, int t, int h, int w)
    {
        double sum = 0;
        for (int f = 0; f < t; f++)
        {
            double pixel = 0, gradient = 0;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        pixel += Math.Abs(At(u, c, f, y, x, t, h, w) - At(v, c, f, y, x, t, h, w));
                        if (x + 1 < w)
                            gradient += Math.Abs(At(u, c, f, y, x + 1, t, h, w) - At(u, c, f, y, x, t, h, w)
                                                 - (At(v, c, f, y, x + 1, t, h, w) - At(v, c, f, y, x, t, h, w)));
                        if (y + 1 < h)
                            gradient += Math.Abs(At(u, c, f, y + 1, x, t, h, w) - At(u, c, f, y, x, t, h, w)
                                                 - (At(v, c, f, y + 1, x, t, h, w) - At(v, c, f, y, x, t, h, w)));
                    }
            sum += pixel / (3.0 * h * w) + gradient / (3.0 * (h * (w - 1) + (h - 1) * w));
        }
        return sum / (2.0 * t);
    }

    /// <summary>Mean over frames of 10 log10(1 / MSE), pixels mapped to [0, 1].</summary>
    public static double Psnr(float[] u, float[] v, int t, int h, int w)
    {
        double total = 0;
        for (int f = 0; f < t; f++)
        {
            double mse = 0;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        double d = Unit(At(u, c, f, y, x, t, h, w)) - Unit(At(v, c, f, y, x, t, h, w));
                        mse += d * d;
                    }
            total += -10 * Math.Log10(mse / (3.0 * h * w));
        }
        return total / t;
    }

    /// <summary>Mean SSIM (11 x 11 Gaussian window, σ 1.5, valid positions) over frames and channels, pixels in [0, 1].</summary>
    public static double Ssim(float[] u, float[] v, int t, int h, int w)
    {
        int size = Math.Min(11, Math.Min(h, w));
        if (size % 2 == 0) size--;
        double[] g = new double[size];
        for (int i = 0; i < size; i++) g[i] = Math.Exp(-Math.Pow(i - (size - 1) / 2.0, 2) / (2 * 1.5 * 1.5));
        double gs = g.Sum();
        double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03, total = 0;
        for (int c = 0; c < 3; c++)
            for (int f = 0; f < t; f++)
            {
                double plane = 0;
                for (int y0 = 0; y0 + size <= h; y0++)
                    for (int x0 = 0; x0 + size <= w; x0++)
                    {
                        double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                        for (int dy = 0; dy < size; dy++)
                            for (int dx = 0; dx < size; dx++)
                            {
                                double k = g[dy] / gs * (g[dx] / gs);
                                double a = Unit(At(u, c, f, y0 + dy, x0 + dx, t, h, w)), b = Unit(At(v, c, f, y0 + dy, x0 + dx, t, h, w));
                                mx += k * a; my += k * b; xx += k * a * a; yy += k * b * b; xy += k * a * b;
                            }
                        double vx = xx - mx * mx, vy = yy - my * my, cov = xy - mx * my;
                        plane += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                    }
                total += plane / ((h - size + 1) * (w - size + 1));
            }
        return total / (3 * t);
    }

    private static double Unit(double pixel) => Math.Clamp((pixel + 1) / 2, 0, 1);

    private static double At(float[] video, int c, int f, int y, int x, int t, int h, int w) =>
        video[((c * t + f) * h + y) * w + x];
}

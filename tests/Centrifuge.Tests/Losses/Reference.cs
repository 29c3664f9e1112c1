using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Losses;

/// <summary>A tensor copied to a flat double array, indexed by hand: the slow, obvious side of every comparison.</summary>
internal sealed class Dense
{
    public double[] Data { get; }
    public long[] Shape { get; }

    public Dense(Tensor t)
    {
        Shape = t.shape;
        Data = t.detach().to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();
    }

    /// <summary>Offset of the video [C, T, H, W] at the given leading indices.</summary>
    public long VideoOffset(params long[] leading)
    {
        long offset = 0;
        for (int d = 0; d < leading.Length; d++) offset = offset * Shape[d] + leading[d];
        for (int d = leading.Length; d < Shape.Length; d++) offset *= Shape[d];
        return offset;
    }

    public Video At(params long[] leading) =>
        new(Data, VideoOffset(leading), (int)Shape[^4], (int)Shape[^3], (int)Shape[^2], (int)Shape[^1]);
}

/// <summary>One [C, T, H, W] video inside a flat array.</summary>
internal readonly record struct Video(double[] Data, long Offset, int C, int T, int H, int W)
{
    public double this[int c, int t, int y, int x] => Data[Offset + ((c * (long)T + t) * H + y) * W + x];

    public static Video Map(Video v, Func<int, int, int, int, double> f)
    {
        var data = new double[v.C * v.T * v.H * v.W];
        for (int c = 0; c < v.C; c++) for (int t = 0; t < v.T; t++) for (int y = 0; y < v.H; y++) for (int x = 0; x < v.W; x++)
            data[((c * v.T + t) * v.H + y) * v.W + x] = f(c, t, y, x);
        return new Video(data, 0, v.C, v.T, v.H, v.W);
    }
}

/// <summary>Plain-loop double-precision references for every loss and metric.</summary>
internal static class Reference
{
    /// <summary>Eq. 3: 1/(2T) Σ_t (mean|U−V| + mean over all x- and y-differences of |∇U − ∇V|).</summary>
    public static double L(Video u, Video v)
    {
        double total = 0;
        for (int t = 0; t < u.T; t++)
        {
            double pixel = 0, gradient = 0;
            long pixels = 0, gradients = 0;
            for (int c = 0; c < u.C; c++)
                for (int y = 0; y < u.H; y++)
                    for (int x = 0; x < u.W; x++)
                    {
                        pixel += Math.Abs(u[c, t, y, x] - v[c, t, y, x]); pixels++;
                        if (x + 1 < u.W)
                        {
                            gradient += Math.Abs((u[c, t, y, x + 1] - u[c, t, y, x]) - (v[c, t, y, x + 1] - v[c, t, y, x]));
                            gradients++;
                        }
                        if (y + 1 < u.H)
                        {
                            gradient += Math.Abs((u[c, t, y + 1, x] - u[c, t, y, x]) - (v[c, t, y + 1, x] - v[c, t, y, x]));
                            gradients++;
                        }
                    }
            total += pixel / pixels + gradient / gradients;
        }
        return total / (2.0 * u.T);
    }

    /// <summary>Every injective map of k targets to n outputs, by brute force (independent of the library's enumeration).</summary>
    public static List<int[]> Assignments(int n, int k)
    {
        var all = new List<int[]>();
        int total = (int)Math.Pow(n, k);
        for (int code = 0; code < total; code++)
        {
            var a = new int[k];
            int rest = code;
            for (int i = k - 1; i >= 0; i--) { a[i] = rest % n; rest /= n; }
            if (a.Distinct().Count() == k) all.Add(a);
        }
        return all;
    }

    /// <summary>Eq. 2 for sample b: (minimum summed loss, winning assignment).</summary>
    public static (double Loss, int[] Assignment) Pit(Dense outputs, Dense targets, int b)
    {
        int n = (int)outputs.Shape[1], k = (int)targets.Shape[1];
        double best = double.PositiveInfinity;
        int[] winner = Array.Empty<int>();
        foreach (var a in Assignments(n, k))
        {
            double sum = 0;
            for (int i = 0; i < k; i++) sum += L(targets.At(b, i), outputs.At(b, a[i]));
            if (sum < best) { best = sum; winner = a; }
        }
        return (best, winner);
    }

    public static double ToUnit(double v) => Math.Clamp((v + 1) / 2, 0, 1);

    /// <summary>PSNR per frame (MSE over channels and pixels), averaged over frames; x, y already in [0, 1].</summary>
    public static double Psnr(Video x, Video y)
    {
        double sum = 0;
        for (int t = 0; t < x.T; t++)
        {
            double se = 0;
            for (int c = 0; c < x.C; c++) for (int i = 0; i < x.H; i++) for (int j = 0; j < x.W; j++)
                se += Math.Pow(x[c, t, i, j] - y[c, t, i, j], 2);
            sum += 10 * Math.Log10(1 / (se / (x.C * x.H * x.W)));
        }
        return sum / x.T;
    }

    /// <summary>SSIM per frame and channel with a valid Gaussian window, averaged; x, y in [0, 1].</summary>
    public static double Ssim(Video x, Video y)
    {
        int size = Math.Min(11, Math.Min(x.H, x.W));
        if (size % 2 == 0) size--;
        double centre = (size - 1) / 2.0, norm = 0;
        var g = new double[size, size];
        for (int i = 0; i < size; i++) for (int j = 0; j < size; j++)
        {
            g[i, j] = Math.Exp(-((i - centre) * (i - centre) + (j - centre) * (j - centre)) / (2 * 1.5 * 1.5));
            norm += g[i, j];
        }
        double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03, total = 0;
        int planes = 0;
        for (int c = 0; c < x.C; c++)
            for (int t = 0; t < x.T; t++)
            {
                double map = 0; int positions = 0;
                for (int top = 0; top + size <= x.H; top++)
                    for (int left = 0; left + size <= x.W; left++)
                    {
                        double mx = 0, my = 0;
                        for (int i = 0; i < size; i++) for (int j = 0; j < size; j++)
                        {
                            double w = g[i, j] / norm;
                            mx += w * x[c, t, top + i, left + j]; my += w * y[c, t, top + i, left + j];
                        }
                        double vx = 0, vy = 0, cov = 0;
                        for (int i = 0; i < size; i++) for (int j = 0; j < size; j++)
                        {
                            double w = g[i, j] / norm, dx = x[c, t, top + i, left + j] - mx, dy = y[c, t, top + i, left + j] - my;
                            vx += w * dx * dx; vy += w * dy * dy; cov += w * dx * dy;
                        }
                        map += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                        positions++;
                    }
                total += map / positions; planes++;
            }
        return total / planes;
    }

    /// <summary>Pearson correlation over the whole video.</summary>
    public static double Ncc(Video x, Video y)
    {
        var xs = new List<double>(); var ys = new List<double>();
        for (int c = 0; c < x.C; c++) for (int t = 0; t < x.T; t++) for (int i = 0; i < x.H; i++) for (int j = 0; j < x.W; j++)
        { xs.Add(x[c, t, i, j]); ys.Add(y[c, t, i, j]); }
        double mx = xs.Average(), my = ys.Average(), num = 0, sx = 0, sy = 0;
        for (int i = 0; i < xs.Count; i++) { num += (xs[i] - mx) * (ys[i] - my); sx += Math.Pow(xs[i] - mx, 2); sy += Math.Pow(ys[i] - my, 2); }
        return num / Math.Sqrt(sx * sy);
    }

    public static double MeanAbs(Video a, Video b)
    {
        double sum = 0;
        for (int c = 0; c < a.C; c++) for (int t = 0; t < a.T; t++) for (int i = 0; i < a.H; i++) for (int j = 0; j < a.W; j++)
            sum += Math.Abs(a[c, t, i, j] - b[c, t, i, j]);
        return sum / (a.C * a.T * a.H * a.W);
    }

    public static Video Unit(Video v) => Video.Map(v, (c, t, y, x) => ToUnit(v[c, t, y, x]));

    /// <summary>Seeded uniform values in [-1, 1].</summary>
    public static Tensor Random(long seed, params long[] shape)
    {
        var generator = new torch.Generator((ulong)seed);
        return torch.rand(shape, generator: generator) * 2 - 1;
    }
}

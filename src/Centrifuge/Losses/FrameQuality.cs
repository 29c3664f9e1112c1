using static TorchSharp.torch;

namespace Centrifuge.Losses;

/// <summary>
/// Image-quality measures between two videos on [0, 1] pixels, in float64, one value per video:
/// x, y [N, C, T, H, W] in [0, 1] -> [N]. Use <see cref="ToUnitRange"/> to convert model-scale [-1, 1] videos.
/// </summary>
public static class FrameQuality
{
    /// <summary>SSIM constants (Wang et al. 2004): 11 × 11 Gaussian window, σ = 1.5, K1 = 0.01, K2 = 0.03, L = 1.</summary>
    public const int SsimWindow = 11;
    public const double SsimSigma = 1.5, SsimK1 = 0.01, SsimK2 = 0.03;

    /// <summary>[-1, 1] -> [0, 1] float64, clamped (a model's outputs may overshoot; metrics see displayable pixels).</summary>
    public static Tensor ToUnitRange(Tensor video)
    {
        using var scope = NewDisposeScope();
        return video.to(ScalarType.Float64).Plus(1).Times(0.5).ClampTo(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// PSNR per frame, 10·log10(1 / MSE) with the MSE over the frame's pixels and channels, averaged over frames.
    /// A frame with MSE 0 scores +inf, so identical videos score +inf (never NaN). [N, C, T, H, W] -> [N].
    /// </summary>
    public static Tensor Psnr(Tensor x, Tensor y)
    {
        RequireSameVideos(x, y);
        using var scope = NewDisposeScope();
        var mse = (x.to(ScalarType.Float64) - y.to(ScalarType.Float64)).Squared().mean(new long[] { 1, 3, 4 }); // [N, T]
        return mse.log10().Times(-10).mean(new long[] { 1 }).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean SSIM per frame and channel (valid convolution, no padding), averaged over frames and channels.
    /// Frames smaller than 11 pixels use the largest odd window that fits, with the same σ. [N, C, T, H, W] -> [N].
    /// </summary>
    public static Tensor Ssim(Tensor x, Tensor y)
    {
        RequireSameVideos(x, y);
        long count = x.shape[0], planes = x.shape[1] * x.shape[2], height = x.shape[3], width = x.shape[4];
        int size = WindowSize(height, width);
        using var scope = NewDisposeScope();
        var a = x.reshape(count * planes, 1, height, width);
        var b = y.reshape(count * planes, 1, height, width);
        var line = GaussianWindow1D(size);
        var rowKernel = tensor(line, new long[] { 1, 1, 1, size }, ScalarType.Float64, x.device);
        var columnKernel = tensor(line, new long[] { 1, 1, size, 1 }, ScalarType.Float64, x.device);
        // Planes are independent: a few at a time keeps the ~15 float64 intermediates per plane small (a whole
        // 32-frame 224p segment at once took gigabytes). Same values as one pass.
        long chunk = Math.Max(1, SsimChunkPixels / (height * width));
        var means = new List<Tensor>();
        for (long start = 0; start < count * planes; start += chunk)
        {
            using var chunkScope = NewDisposeScope();
            long n = Math.Min(chunk, count * planes - start);
            means.Add(PlaneSsim(a.narrow(0, start, n), b.narrow(0, start, n), rowKernel, columnKernel).MoveToOuterDisposeScope());
        }
        return cat(means, 0).view(count, planes).mean(new long[] { 1 }).MoveToOuterDisposeScope();
    }

    // Pixels per SSIM pass: with ~15 float64 intermediates, about 130 MB at most.
    private const long SsimChunkPixels = 1L << 20;

    // [M, 1, H, W] (any dtype) -> [M] float64: mean SSIM of each plane.
    private static Tensor PlaneSsim(Tensor x, Tensor y, Tensor rowKernel, Tensor columnKernel)
    {
        var a = x.to(ScalarType.Float64);
        var b = y.to(ScalarType.Float64);
        // The five local means μx, μy, E[x²], E[y²], E[xy] in one batch, filtered by the separable Gaussian
        // (a 1 × s row pass then an s × 1 column pass: exact, and several times faster than the s × s kernel in float64).
        var stacked = cat(new[] { a, b, a * a, b * b, a * b }, 0);                  // [5·M, 1, H, W]
        var filtered = nn.functional.conv2d(nn.functional.conv2d(stacked, rowKernel), columnKernel);
        var moments = filtered.chunk(5, 0);                                          // 5 × [M, 1, H', W']
        var muX = moments[0]; var muY = moments[1];
        var varX = moments[2] - muX * muX;
        var varY = moments[3] - muY * muY;
        var covariance = moments[4] - muX * muY;
        double c1 = SsimK1 * SsimK1, c2 = SsimK2 * SsimK2;
        var map = (muX * muY).Times(2).Plus(c1) * covariance.Times(2).Plus(c2) / ((muX * muX).Plus(muY * muY).Plus(c1) * varX.Plus(varY).Plus(c2));
        return map.mean(new long[] { 1, 2, 3 });
    }

    /// <summary>
    /// Normalised cross-correlation over the whole video (all frames, pixels, channels), in [-1, 1]. When either
    /// video is constant the correlation is undefined: 1 if the videos are identical, else 0. [N, C, T, H, W] -> [N].
    /// </summary>
    public static Tensor Ncc(Tensor x, Tensor y)
    {
        RequireSameVideos(x, y);
        using var scope = NewDisposeScope();
        var a = x.to(ScalarType.Float64).flatten(1);
        var b = y.to(ScalarType.Float64).flatten(1);
        var ca = a - a.mean(new long[] { 1 }, keepdim: true);
        var cb = b - b.mean(new long[] { 1 }, keepdim: true);
        var numerator = (ca * cb).sum(new long[] { 1 });
        var denominator = (ca.Squared().sum(new long[] { 1 }) * cb.Squared().sum(new long[] { 1 })).sqrt();
        var identical = (a - b).abs().amax(new long[] { 1 }).EqualTo(0);
        var undefined = where(identical, ones_like(numerator), zeros_like(numerator));
        var positive = denominator.GreaterThan(0);
        var ncc = where(positive, numerator / where(positive, denominator, ones_like(denominator)), undefined);
        return ncc.MoveToOuterDisposeScope();
    }

    /// <summary>The SSIM window side for a frame: 11, or the largest odd size that fits a smaller frame.</summary>
    public static int WindowSize(long height, long width)
    {
        int size = (int)Math.Min(SsimWindow, Math.Min(height, width));
        return size % 2 == 0 ? size - 1 : size;
    }

    /// <summary>The normalised 1-D Gaussian (σ = 1.5) of the given odd size; the 2-D window is its outer product.</summary>
    public static double[] GaussianWindow1D(int size)
    {
        double centre = (size - 1) / 2.0;
        var line = Enumerable.Range(0, size)
            .Select(i => Math.Exp(-(i - centre) * (i - centre) / (2 * SsimSigma * SsimSigma))).ToArray();
        double total = line.Sum();
        return line.Select(v => v / total).ToArray();
    }

    /// <summary>The normalised 2-D Gaussian window (σ = 1.5), row-major size × size.</summary>
    public static double[] GaussianWindow2D(int size)
    {
        var line = GaussianWindow1D(size);
        var window = new double[size * size];
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++)
                window[r * size + c] = line[r] * line[c];
        return window;
    }

    private static void RequireSameVideos(Tensor x, Tensor y)
    {
        if (x.dim() != 5 || !x.shape.SequenceEqual(y.shape))
            throw new ArgumentException($"expected two [N, C, T, H, W] videos of one shape, got {LayerShapes.Describe(x)} and {LayerShapes.Describe(y)}");
    }
}

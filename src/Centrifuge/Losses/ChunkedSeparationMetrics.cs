using static TorchSharp.torch;

namespace Centrifuge.Losses;

/// <summary>
/// <see cref="SeparationMetrics.PerSample"/> computed a few frames at a time, for long or large segments: the same
/// values up to float64 rounding, with memory bounded by the chunk instead of the segment (scoring a 32-frame 224p
/// segment in one float64 pass took gigabytes). Every score is an average over frames except the PIT matching and
/// NCC, so two passes suffice: the first sums the pairwise losses (and the outputs' mutual losses, for diversity)
/// weighted by the chunks' frame counts, picks the assignment, and sums every layer's pixels for NCC's means; the
/// second scores the matched layers chunk by chunk and accumulates NCC's centred sums.
/// </summary>
public static class ChunkedSeparationMetrics
{
    /// <summary>
    /// outputs [B, n, 3, T, H, W], targets [B, k, 3, T, H, W], mixture [B, 3, T, H, W], all in [-1, 1] -> B scores,
    /// reading at most <paramref name="chunkFrames"/> frames of each at a time.
    /// </summary>
    public static SeparationScores[] PerSample(Tensor outputs, Tensor targets, Tensor mixture, int chunkFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkFrames, 1);
        int n = LayerShapes.RequireLayers(outputs, nameof(outputs));
        int k = LayerShapes.RequireLayers(targets, nameof(targets));
        LayerShapes.RequireVideos(mixture, nameof(mixture));
        LayerShapes.RequireSame(targets, nameof(targets), mixture.unsqueeze(1), nameof(mixture), 0, 2, 3, 4, 5);
        long frames = targets.shape[3], batch = targets.shape[0];
        if (frames <= chunkFrames) return SeparationMetrics.PerSample(outputs, targets, mixture);

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var chunks = new List<(long Start, long Length)>();
        for (long start = 0; start < frames; start += chunkFrames) chunks.Add((start, Math.Min(chunkFrames, frames - start)));
        Tensor Frames(Tensor t, (long Start, long Length) c) => t.narrow(-3, c.Start, c.Length).to(ScalarType.Float64);

        // Pass 1: every term of l is a mean over frames with the same count per frame, so l over the segment is the
        // frame-weighted mean of l over the chunks.
        var pairs = n >= 2 ? LayerPairs.Unordered(n) : [];
        Tensor pairwise = zeros(new[] { batch, k, n }, ScalarType.Float64);
        Tensor mutual = zeros(new[] { batch, (long)pairs.Count }, ScalarType.Float64);
        Tensor outputSums = zeros(new[] { batch, n }, ScalarType.Float64), targetSums = zeros(new[] { batch, k }, ScalarType.Float64);
        long[] pixelDims = [2, 3, 4, 5];
        foreach (var c in chunks)
        {
            using var chunkScope = NewDisposeScope();
            double weight = (double)c.Length / frames;
            Tensor o = Frames(outputs, c), t = Frames(targets, c);
            pairwise.PlusScaledInPlace(ReconstructionLoss.Pairwise(t, o).cpu(), weight);
            if (pairs.Count > 0) mutual.PlusScaledInPlace(ReconstructionLoss.BetweenLayers(o, pairs).cpu(), weight);
            outputSums.PlusInPlace(FrameQuality.ToUnitRange(o).sum(pixelDims).cpu());
            targetSums.PlusInPlace(FrameQuality.ToUnitRange(t).sum(pixelDims).cpu());
        }
        var (loss, assignment) = PermutationInvariantLoss.MinimumOverAssignments(pairwise);
        double pixels = (double)targets.shape[2] * frames * targets.shape[4] * targets.shape[5];
        double[] outputTotals = ToArray(outputSums), targetTotals = ToArray(targetSums);
        var estimateMeans = new double[batch * k];
        var truthMeans = new double[batch * k];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < k; i++)
            {
                estimateMeans[b * k + i] = outputTotals[b * n + assignment[b][i]] / pixels;
                truthMeans[b * k + i] = targetTotals[b * k + i] / pixels;
            }

        // Pass 2: PSNR and SSIM are means over frames too; NCC needs whole-video sums.
        int layers = (int)(batch * k);
        var psnr = new double[layers];
        var ssim = new double[layers];
        var psnrIdentity = new double[layers];
        var ncc = new NccSums(estimateMeans, truthMeans);
        foreach (var c in chunks)
        {
            using var chunkScope = NewDisposeScope();
            double weight = (double)c.Length / frames;
            Tensor o = Frames(outputs, c), t = Frames(targets, c), m = Frames(mixture, c);
            var truth = FrameQuality.ToUnitRange(t.flatten(0, 1));                                       // [B·k, 3, f, H, W]
            var estimate = FrameQuality.ToUnitRange(PermutationInvariantLoss.Matched(o, assignment).flatten(0, 1));
            var baseline = FrameQuality.ToUnitRange(m.unsqueeze(1).expand(t.shape).flatten(0, 1));
            AddWeighted(psnr, FrameQuality.Psnr(estimate, truth), weight);
            AddWeighted(ssim, FrameQuality.Ssim(estimate, truth), weight);
            AddWeighted(psnrIdentity, FrameQuality.Psnr(baseline, truth), weight);
            ncc.Add(estimate, truth);
        }

        double[] lossValues = ToArray(loss);
        double[] diversity = pairs.Count > 0 ? ToArray(mutual.amin(new long[] { 1 })) : new double[batch];
        double[] nccValues = ncc.Values();
        var scores = new SeparationScores[batch];
        for (int b = 0; b < batch; b++)
        {
            double p = 0, s = 0, q = 0, identity = 0;
            for (int i = 0; i < k; i++)
            {
                p += psnr[b * k + i]; s += ssim[b * k + i]; q += nccValues[b * k + i]; identity += psnrIdentity[b * k + i];
            }
            (p, s, q, identity) = (p / k, s / k, q / k, identity / k);
            double improvement = double.IsPositiveInfinity(p) && double.IsPositiveInfinity(identity) ? 0 : p - identity;
            scores[b] = new SeparationScores(lossValues[b], p, s, q, improvement, diversity[b]);
        }
        return scores;
    }

    private static void AddWeighted(double[] into, Tensor values, double weight)
    {
        double[] v = ToArray(values);
        for (int i = 0; i < into.Length; i++) into[i] += weight * v[i];
    }

    private static double[] ToArray(Tensor t) => t.to(ScalarType.Float64).cpu().data<double>().ToArray();

    /// <summary>
    /// <see cref="FrameQuality.Ncc"/> over a video that arrives in chunks: the centred sums Σ(x−x̄)(y−ȳ), Σ(x−x̄)²,
    /// Σ(y−ȳ)² around the whole video's means (known from the first pass), and max|x − y| for the identical case.
    /// </summary>
    private sealed class NccSums(double[] meanX, double[] meanY)
    {
        private readonly double[] _xy = new double[meanX.Length], _xx = new double[meanX.Length],
            _yy = new double[meanX.Length], _maxDifference = new double[meanX.Length];

        // x, y [N, C, f, H, W] float64 on [0, 1]
        public void Add(Tensor x, Tensor y)
        {
            using var scope = NewDisposeScope();
            long[] dim = [1];
            var a = x.flatten(1);
            var b = y.flatten(1);
            var ca = a - tensor(meanX, ScalarType.Float64).unsqueeze(1);
            var cb = b - tensor(meanY, ScalarType.Float64).unsqueeze(1);
            Accumulate(_xy, (ca * cb).sum(dim));
            Accumulate(_xx, ca.Squared().sum(dim));
            Accumulate(_yy, cb.Squared().sum(dim));
            double[] difference = ToArray((a - b).abs().amax(dim));
            for (int i = 0; i < difference.Length; i++) _maxDifference[i] = Math.Max(_maxDifference[i], difference[i]);
        }

        public double[] Values()
        {
            var values = new double[_xy.Length];
            for (int i = 0; i < values.Length; i++)
            {
                double denominator = Math.Sqrt(_xx[i] * _yy[i]);
                double undefined = _maxDifference[i] == 0 ? 1 : 0;
                values[i] = denominator > 0 ? _xy[i] / denominator : undefined;
            }
            return values;
        }

        private static void Accumulate(double[] into, Tensor sums)
        {
            double[] v = ToArray(sums);
            for (int i = 0; i < into.Length; i++) into[i] += v[i];
        }
    }
}

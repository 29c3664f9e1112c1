using static TorchSharp.torch;

namespace Centrifuge.Losses;

/// <summary>
/// The separation metrics users expect, on PIT-matched layers: the paper's loss, PSNR, SSIM, NCC, PSNR improvement
/// over the identity baseline, and the diversity score; plus the paper's choice of the two most dissimilar outputs.
/// Everything is computed in float64 without gradients.
/// </summary>
public static class SeparationMetrics
{
    /// <summary>Batch means of <see cref="PerSample"/>. outputs [B, n, 3, T, H, W], targets [B, k, 3, T, H, W], mixture [B, 3, T, H, W], all in [-1, 1].</summary>
    public static SeparationScores Compute(Tensor outputs, Tensor targets, Tensor mixture) =>
        SeparationScores.Mean(PerSample(outputs, targets, mixture));

    /// <summary>The identity baseline's batch means: every output is the mixture (n = k copies).</summary>
    public static SeparationScores Identity(Tensor targets, Tensor mixture) =>
        SeparationScores.Mean(IdentityPerSample(targets, mixture));

    /// <summary>The identity baseline per sample. targets [B, k, 3, T, H, W], mixture [B, 3, T, H, W] -> B scores.</summary>
    public static SeparationScores[] IdentityPerSample(Tensor targets, Tensor mixture)
    {
        LayerShapes.RequireLayers(targets, nameof(targets));
        LayerShapes.RequireVideos(mixture, nameof(mixture));
        using var scope = NewDisposeScope();
        return PerSample(mixture.unsqueeze(1).expand(targets.shape), targets, mixture);
    }

    /// <summary>
    /// Scores of every sample. outputs [B, n, 3, T, H, W], targets [B, k, 3, T, H, W], mixture [B, 3, T, H, W],
    /// all in [-1, 1] -> B scores. Layers are matched by the permutation-invariant loss; PSNR, SSIM and NCC are
    /// averaged over the k matched layers; PSNRi = PSNR − PSNR(identity), 0 when both are +inf.
    /// </summary>
    public static SeparationScores[] PerSample(Tensor outputs, Tensor targets, Tensor mixture)
    {
        int n = LayerShapes.RequireLayers(outputs, nameof(outputs));
        int k = LayerShapes.RequireLayers(targets, nameof(targets));
        LayerShapes.RequireVideos(mixture, nameof(mixture));
        LayerShapes.RequireSame(targets, nameof(targets), mixture.unsqueeze(1), nameof(mixture), 0, 2, 3, 4, 5);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var o = outputs.detach().to(ScalarType.Float64);
        var t = targets.detach().to(ScalarType.Float64);
        var m = mixture.detach().to(ScalarType.Float64);
        long batch = t.shape[0];

        var pit = PermutationInvariantLoss.Compute(o, t);
        var matched = PermutationInvariantLoss.Matched(o, pit.Assignment).flatten(0, 1);    // [B·k, 3, T, H, W]
        var truth = FrameQuality.ToUnitRange(t.flatten(0, 1));
        var estimate = FrameQuality.ToUnitRange(matched);
        var baseline = FrameQuality.ToUnitRange(m.unsqueeze(1).expand(t.shape).flatten(0, 1));

        double[] loss = ToArray(pit.PerSample);
        double[] psnr = LayerMeans(FrameQuality.Psnr(estimate, truth), batch, k);
        double[] ssim = LayerMeans(FrameQuality.Ssim(estimate, truth), batch, k);
        double[] ncc = LayerMeans(FrameQuality.Ncc(estimate, truth), batch, k);
        double[] psnrIdentity = LayerMeans(FrameQuality.Psnr(baseline, truth), batch, k);
        double[] diversity = n < 2 ? new double[batch] : ToArray(DiversityScores(o));

        var scores = new SeparationScores[batch];
        for (int b = 0; b < batch; b++)
        {
            double improvement = double.IsPositiveInfinity(psnr[b]) && double.IsPositiveInfinity(psnrIdentity[b])
                ? 0 : psnr[b] - psnrIdentity[b];
            scores[b] = new SeparationScores(loss[b], psnr[b], ssim[b], ncc[b], improvement, diversity[b]);
        }
        return scores;
    }

    /// <summary>The paper's diversity score min_{i≠j} l(O_i, O_j) per sample: outputs [B, n, 3, T, H, W], n &gt;= 2 -> [B].</summary>
    public static Tensor DiversityScores(Tensor outputs)
    {
        int n = LayerShapes.RequireLayers(outputs, nameof(outputs));
        if (n < 2) throw new CentrifugeException($"diversity score: needs at least 2 output layers, the model gives {n}", ExitCodes.IncompatibleModel);
        using var scope = NewDisposeScope();
        return ReconstructionLoss.BetweenLayers(outputs, LayerPairs.Unordered(n)).amin(new long[] { 1 }).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The two most dissimilar layers (paper section 3.2): the pair (A &lt; B) with the largest mean absolute pixel
    /// difference mean|O_A − O_B| over all frames, pixels and channels. layers [n, 3, T, H, W], n &gt;= 2.
    /// </summary>
    public static (int A, int B) MostDissimilarPair(Tensor layers)
    {
        if (layers.dim() != 5)
            throw new ArgumentException($"layers: expected [n, 3, T, H, W], got {LayerShapes.Describe(layers)}", nameof(layers));
        return MostDissimilarPairs(layers.unsqueeze(0))[0];
    }

    /// <summary>
    /// <see cref="MostDissimilarPair"/> for every sample: layers [B, n, 3, T, H, W] -> B pairs. Ties go to the
    /// lexicographically first pair.
    /// </summary>
    public static (int A, int B)[] MostDissimilarPairs(Tensor layers)
    {
        int n = LayerShapes.RequireLayers(layers, nameof(layers));
        if (n < 2) throw new CentrifugeException($"most dissimilar pair: needs at least 2 layers, got {n}", ExitCodes.IncompatibleModel);
        var pairs = LayerPairs.Unordered(n);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var distances = PixelDistances(layers, pairs);                       // [B, P]
        long[] best = distances.argmax(1).cpu().data<long>().ToArray();
        return best.Select(p => pairs[(int)p]).ToArray();
    }

    /// <summary>mean|layers[b, A] − layers[b, B]| for each listed pair: layers [B, L, 3, T, H, W] -> [B, pairs] float64.</summary>
    public static Tensor PixelDistances(Tensor layers, IReadOnlyList<(int A, int B)> pairs)
    {
        LayerShapes.RequireLayers(layers, nameof(layers));
        using var scope = NewDisposeScope();
        var first = tensor(pairs.Select(p => (long)p.A).ToArray(), device: layers.device);
        var second = tensor(pairs.Select(p => (long)p.B).ToArray(), device: layers.device);
        var difference = layers.index_select(1, first).to(ScalarType.Float64) - layers.index_select(1, second).to(ScalarType.Float64);
        return difference.abs().mean(new long[] { 2, 3, 4, 5 }).MoveToOuterDisposeScope();
    }

    private static double[] LayerMeans(Tensor perLayer, long batch, int k) =>
        ToArray(perLayer.view(batch, k).mean(new long[] { 1 }));

    private static double[] ToArray(Tensor t) => t.to(ScalarType.Float64).cpu().data<double>().ToArray();
}

using static TorchSharp.torch;

namespace Centrifuge.Losses;

/// <summary>
/// The training objective: the permutation-invariant loss plus the optional consistency, diversity and squared-error
/// terms. Total: scalar (differentiable). Consistency / Diversity / Squared: the unweighted batch means, null when their weight is 0.
/// </summary>
public sealed record TrainingLossResult(Tensor Total, PitResult Reconstruction, Tensor? Consistency, Tensor? Diversity)
{
    /// <summary>The squared-error term's unweighted batch mean, null when its weight is 0.</summary>
    public Tensor? Squared { get; init; }
}

/// <summary>
/// Total = PIT + ConsistencyWeight · consistency + DiversityWeight · diversity + SquaredWeight · squared, where (per
/// sample, then averaged) squared = Σ_i mean((O_π(i) − V_i)²),
/// consistency = l(V, Σ_i w_i · O_π(i)) — paper eq. 4 generalised to k layers with the known weights — and
/// diversity = −mean_{pairs i&lt;j} l(O_i, O_j) (paper section 4.1). π is the winning PIT assignment, treated as
/// a constant. With fewer than two outputs in the chosen set, the diversity term is 0.
/// </summary>
public static class TrainingLoss
{
    /// <summary>
    /// outputs [B, n, 3, T, H, W], targets [B, k, 3, T, H, W], mixture [B, 3, T, H, W] in [-1, 1];
    /// weights [B, k] (the blend weights, e.g. 1−α and α). mixture and weights are only read by the consistency term.
    /// </summary>
    public static TrainingLossResult Compute(Tensor outputs, Tensor targets, Tensor mixture, Tensor weights, LossConfig? config = null)
    {
        config ??= new LossConfig();
        config.Validate();
        using var scope = NewDisposeScope();
        var pit = PermutationInvariantLoss.Compute(outputs, targets);
        var total = pit.Loss;
        Tensor? consistency = null, diversity = null, squared = null;

        if (config.ConsistencyWeight > 0)
        {
            consistency = Consistency(outputs, mixture, weights, pit.Assignment).mean();
            total = total.Plus(consistency.Times(config.ConsistencyWeight));
        }
        if (config.DiversityWeight > 0)
        {
            var layers = config.DiversityPairs == DiversityPairs.Matched
                ? PermutationInvariantLoss.Matched(outputs, pit.Assignment)
                : outputs;
            diversity = Diversity(layers).mean();
            total = total.Plus(diversity.Times(config.DiversityWeight));
        }
        if (config.SquaredWeight > 0)
        {
            squared = Squared(outputs, targets, pit.Assignment).mean();
            total = total.Plus(squared.Times(config.SquaredWeight));
        }
        pit.Loss.MoveToOuterDisposeScope();
        pit.PerSample.MoveToOuterDisposeScope();
        pit.Pairwise?.MoveToOuterDisposeScope();
        // With every weight 0 the total is the PIT loss itself, already moved out.
        if (!ReferenceEquals(total, pit.Loss)) total.MoveToOuterDisposeScope();
        return new TrainingLossResult(total, pit, consistency?.MoveToOuterDisposeScope(), diversity?.MoveToOuterDisposeScope())
        {
            Squared = squared?.MoveToOuterDisposeScope(),
        };
    }

    /// <summary>
    /// The squared-error term per sample: Σ_i mean((outputs[b, assignment[b][i]] − targets[b, i])²).
    /// outputs [B, n, 3, T, H, W], targets [B, k, 3, T, H, W] -> [B].
    /// </summary>
    public static Tensor Squared(Tensor outputs, Tensor targets, int[][] assignment)
    {
        LayerShapes.RequireLayers(targets, nameof(targets));
        using var scope = NewDisposeScope();
        var matched = PermutationInvariantLoss.Matched(outputs, assignment);   // [B, k, 3, T, H, W]
        LayerShapes.RequireSame(matched, nameof(outputs), targets, nameof(targets), 0, 1, 2, 3, 4, 5);
        Tensor difference = matched - targets;
        return (difference * difference).flatten(2).mean(new long[] { 2 }).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Eq. 4 per sample: l(mixture, Σ_i weights[b, i] · outputs[b, assignment[b][i]]).
    /// outputs [B, n, 3, T, H, W], mixture [B, 3, T, H, W], weights [B, k] -> [B].
    /// </summary>
    public static Tensor Consistency(Tensor outputs, Tensor mixture, Tensor weights, int[][] assignment)
    {
        LayerShapes.RequireVideos(mixture, nameof(mixture));
        LayerShapes.RequireSame(outputs, nameof(outputs), mixture.unsqueeze(1), nameof(mixture), 0, 2, 3, 4, 5);
        int k = assignment.Length == 0 ? 0 : assignment[0].Length;
        if (weights.dim() != 2 || weights.shape[0] != outputs.shape[0] || weights.shape[1] != k)
            throw new ArgumentException($"weights: expected [B, k] = [{outputs.shape[0]}, {k}], got {LayerShapes.Describe(weights)}", nameof(weights));
        using var scope = NewDisposeScope();
        var matched = PermutationInvariantLoss.Matched(outputs, assignment);                     // [B, k, 3, T, H, W]
        var recomposed = (weights.to(matched.dtype).view(weights.shape[0], k, 1, 1, 1, 1) * matched).sum(1); // [B, 3, T, H, W]
        return ReconstructionLoss.PerSample(mixture, recomposed).MoveToOuterDisposeScope();
    }

    /// <summary>The diversity term per sample: −mean over pairs i &lt; j of l(layers[b, i], layers[b, j]); layers [B, L, 3, T, H, W] -> [B].</summary>
    public static Tensor Diversity(Tensor layers)
    {
        int count = LayerShapes.RequireLayers(layers, nameof(layers));
        var pairs = LayerPairs.Unordered(count);
        if (pairs.Count == 0) return zeros(new[] { layers.shape[0] }, dtype: layers.dtype, device: layers.device);
        using var scope = NewDisposeScope();
        return (-ReconstructionLoss.BetweenLayers(layers, pairs).mean(new long[] { 1 })).MoveToOuterDisposeScope();
    }
}

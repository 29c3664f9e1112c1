using static TorchSharp.torch;

namespace Centrifuge.Losses;

/// <summary>
/// The permutation-invariant loss (paper eq. 2) generalised to k target layers and n &gt;= k outputs: the minimum,
/// over the n!/(n−k)! injective assignments of targets to outputs, of the summed reconstruction loss l.
/// </summary>
/// <remarks>
/// The k × n matrix of pairwise losses is computed for the whole batch in one broadcast pass
/// (<see cref="ReconstructionLoss.Pairwise"/>); each assignment's total is then gathered from that matrix with one
/// index_select, so the cost of the search is B × n!/(n−k)! × k scalar additions, independent of the video size.
/// Gradients flow only through the matrix entries of the winning assignment: outputs matched to no target get
/// exactly zero gradient. Ties go to the lexicographically first assignment (identity first).
/// Errors: layer counts from configuration (k &gt; n, k &lt; 1, too many assignments) are
/// <see cref="CentrifugeException"/>s; mismatched ranks, sizes, dtypes or devices are <see cref="ArgumentException"/>s.
/// Unlike audio PIT wrappers, n need not equal k.
/// </remarks>
public static class PermutationInvariantLoss
{
    /// <summary>outputs [B, n, 3, T, H, W], targets [B, k, 3, T, H, W] in [-1, 1], k &lt;= n.</summary>
    public static PitResult Compute(Tensor outputs, Tensor targets)
    {
        int n = LayerShapes.RequireLayers(outputs, nameof(outputs));
        int k = LayerShapes.RequireLayers(targets, nameof(targets));
        InjectiveAssignments.Validate(n, k);
        LayerShapes.RequireSame(outputs, nameof(outputs), targets, nameof(targets), 0, 2, 3, 4, 5);

        using var scope = NewDisposeScope();
        var pairwise = ReconstructionLoss.Pairwise(targets, outputs);        // [B, k, n]
        var (perSample, assignment) = MinimumOverAssignments(pairwise);    // [B]
        var loss = perSample.mean();
        return new PitResult(loss.MoveToOuterDisposeScope(), perSample.MoveToOuterDisposeScope(), assignment)
        {
            Pairwise = pairwise.detach().MoveToOuterDisposeScope(),
        };
    }

    /// <summary>
    /// The minimum over injective assignments of a pairwise loss matrix [B, k, n] -> per-sample minimum [B]
    /// (differentiable through the winning entries only) and the winning assignment per sample.
    /// </summary>
    public static (Tensor PerSample, int[][] Assignment) MinimumOverAssignments(Tensor pairwise)
    {
        if (pairwise.dim() != 3)
            throw new ArgumentException($"pairwise: expected [B, k, n], got {LayerShapes.Describe(pairwise)}", nameof(pairwise));
        long batch = pairwise.shape[0];
        int k = (int)pairwise.shape[1], n = (int)pairwise.shape[2];
        var assignments = InjectiveAssignments.Enumerate(n, k);

        // Flat index of entry (target i, output assignments[a][i]) for every assignment a, laid out [A, k].
        var flat = new long[assignments.Count * k];
        for (int a = 0; a < assignments.Count; a++)
            for (int i = 0; i < k; i++)
                flat[a * k + i] = i * n + assignments[a][i];

        using var scope = NewDisposeScope();
        var index = tensor(flat, device: pairwise.device);
        var totals = pairwise.reshape(batch, k * n).index_select(1, index)
            .view(batch, assignments.Count, k).sum(2);                      // [B, A]
        var best = totals.argmin(1);                                        // [B]
        var perSample = totals.gather(1, best.unsqueeze(1)).squeeze(1);     // [B]
        long[] winners = best.cpu().data<long>().ToArray();
        int[][] assignment = winners.Select(a => (int[])assignments[(int)a].Clone()).ToArray();
        return (perSample.MoveToOuterDisposeScope(), assignment);
    }

    /// <summary>
    /// The outputs matched to each target, in target order: outputs [B, n, C, T, H, W] -> [B, k, C, T, H, W]
    /// with [b, i] = outputs[b, assignment[b][i]]. Differentiable; used for the consistency term, metrics and to
    /// order layers at inference.
    /// </summary>
    public static Tensor Matched(Tensor outputs, int[][] assignment)
    {
        int n = LayerShapes.RequireLayers(outputs, nameof(outputs));
        long batch = outputs.shape[0];
        if (assignment.Length != batch || assignment.Any(a => a.Length != assignment[0].Length))
            throw new ArgumentException($"assignment has {assignment.Length} rows of unequal or wrong length for batch {batch}", nameof(assignment));
        int k = assignment.Length == 0 ? 0 : assignment[0].Length;
        var flat = new long[batch * k];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < k; i++)
            {
                int output = assignment[b][i];
                if (output < 0 || output >= n)
                    throw new ArgumentOutOfRangeException(nameof(assignment), $"assignment[{b}][{i}] = {output} is not one of {n} outputs");
                flat[b * k + i] = (long)b * n + output;
            }
        using var scope = NewDisposeScope();
        var index = tensor(flat, device: outputs.device);
        long[] shape = outputs.shape;
        var matched = outputs.flatten(0, 1).index_select(0, index)
            .view(batch, k, shape[2], shape[3], shape[4], shape[5]);
        return matched.MoveToOuterDisposeScope();
    }
}

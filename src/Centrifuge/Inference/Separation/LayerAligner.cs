using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>
/// Keeps each layer in one output file across windows. The model's output order is arbitrary per window (its loss is
/// permutation invariant), so a layer would jump between files at every window boundary. On the frames two windows
/// share, the current window's layers are matched to the previous window's by minimum-cost assignment, with cost =
/// mean L1 distance between a previous and a current layer over the overlap.
/// </summary>
public static class LayerAligner
{
    /// <summary>
    /// cost[i, j] = mean |previous[i] - current[j]|.
    /// previous, current: [n, 3, O, H, W] (the same overlap frames as seen by two windows).
    /// </summary>
    public static double[,] Cost(Tensor previous, Tensor current)
    {
        if (!previous.shape.SequenceEqual(current.shape) || previous.dim() < 2)
            throw new ArgumentException($"layer alignment of shapes [{string.Join(", ", previous.shape)}] and [{string.Join(", ", current.shape)}]");
        int n = (int)previous.shape[0];
        var cost = new double[n, n];
        using var scope = torch.NewDisposeScope();
        for (int i = 0; i < n; i++)
        {
            using var p = previous[i];
            // [n] distances from previous layer i to every current layer, one reduction per row.
            Tensor row = (current - p.unsqueeze(0)).abs().flatten(1).to(ScalarType.Float64).mean(new long[] { 1 }).cpu();
            double[] values = row.data<double>().ToArray();
            for (int j = 0; j < n; j++) cost[i, j] = values[j];
        }
        return cost;
    }

    /// <summary>
    /// The order in which to take the current window's layers so that they line up with the previous window's:
    /// result[i] = index of the current layer that continues previous layer i.
    /// previous, current: [n, 3, O, H, W].
    /// </summary>
    public static int[] Align(Tensor previous, Tensor current) => MinimumCostAssignment.Solve(Cost(previous, current));

    /// <summary>Reorders layers: result[i] = layers[order[i]]. layers: [n, ...] -> [n, ...].</summary>
    public static Tensor Reorder(Tensor layers, int[] order)
    {
        using var index = torch.tensor(order.Select(i => (long)i).ToArray(), dtype: ScalarType.Int64, device: layers.device);
        return layers.index_select(0, index);
    }
}

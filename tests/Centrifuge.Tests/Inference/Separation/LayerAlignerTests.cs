using Centrifuge.Inference.Separation;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Separation;

public class LayerAlignerTests
{
    [Fact]
    public void Hungarian_assignment_equals_brute_force_over_all_permutations()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = random.Next(1, 7);
            var cost = new double[n, n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++)
                cost[i, j] = trial % 3 == 0 ? random.Next(0, 4) : random.NextDouble();   // integer costs exercise ties
            int[] got = MinimumCostAssignment.Solve(cost);
            Assert.Equal(Enumerable.Range(0, n), got.OrderBy(x => x));
            double best = Permutations(n).Min(p => MinimumCostAssignment.Total(cost, p));
            Assert.Equal(best, MinimumCostAssignment.Total(cost, got), 9);
        }
    }

    [Fact]
    public void Cost_is_the_mean_L1_distance_computed_in_a_plain_loop()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        Tensor p = torch.rand(new long[] { 3, 3, 2, 4, 4 }), c = torch.rand(new long[] { 3, 3, 2, 4, 4 });
        double[,] cost = LayerAligner.Cost(p, c);
        float[] pv = p.data<float>().ToArray(), cv = c.data<float>().ToArray();
        int size = pv.Length / 3;
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++)
        {
            double sum = 0;
            for (int k = 0; k < size; k++) sum += Math.Abs((double)pv[i * size + k] - cv[j * size + k]);
            Assert.Equal(sum / size, cost[i, j], 6);
        }
    }

    [Fact]
    public void Permuted_noisy_layers_are_put_back_in_the_previous_order()
    {
        TorchRuntime.EnsureLoaded();
        var random = new Random(2);
        for (int trial = 0; trial < 30; trial++)
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(trial);
            int n = random.Next(2, 6);
            Tensor previous = torch.rand(new long[] { n, 3, 3, 6, 6 }) * 2 - 1;
            int[] shuffle = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();   // current[k] = previous[shuffle[k]]
            Tensor current = LayerAligner.Reorder(previous, shuffle) + 0.05 * torch.randn(previous.shape);
            int[] order = LayerAligner.Align(previous, current);
            for (int i = 0; i < n; i++) Assert.Equal(i, shuffle[order[i]]);
            Assert.True(LayerAligner.Reorder(current, order).sub(previous).abs().max().item<float>() < 0.5f);
        }
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 0) { yield return []; yield break; }
        foreach (int[] rest in Permutations(n - 1))
            for (int at = 0; at <= rest.Length; at++)
                yield return [.. rest[..at], n - 1, .. rest[at..]];
    }
}

using System.Collections.Concurrent;

namespace Centrifuge.Losses;

/// <summary>
/// Every injective assignment of k target layers to n outputs (n!/(n−k)! of them), in lexicographic order so the
/// identity assignment (0, 1, …, k−1) comes first and wins ties. Enumerated once per (n, k) and cached.
/// </summary>
public static class InjectiveAssignments
{
    /// <summary>Above this many assignments the permutation-invariant minimum is refused (n = 9, k = 6 is 60 480).</summary>
    public const int MaxCount = 100_000;

    private static readonly ConcurrentDictionary<(int N, int K), int[][]> Cache = new();

    /// <summary>n!/(n−k)!, saturating at long.MaxValue; 0 when k &gt; n.</summary>
    public static long Count(int n, int k)
    {
        if (k < 0 || n < 0) throw new ArgumentOutOfRangeException(k < 0 ? nameof(k) : nameof(n), "layer counts cannot be negative");
        if (k > n) return 0;
        long count = 1;
        for (int i = 0; i < k; i++)
        {
            if (count > long.MaxValue / (n - i)) return long.MaxValue;
            count *= n - i;
        }
        return count;
    }

    /// <summary>
    /// All assignments; result[a][i] = the output matched to target i. Throws a <see cref="CentrifugeException"/>
    /// when k &lt; 1, k &gt; n or there are more than <see cref="MaxCount"/> assignments.
    /// </summary>
    public static IReadOnlyList<int[]> Enumerate(int n, int k)
    {
        Validate(n, k);
        return Cache.GetOrAdd((n, k), key => Build(key.N, key.K));
    }

    /// <summary>Checks that k targets can be matched to n outputs, with a message naming the configuration to fix.</summary>
    public static void Validate(int n, int k)
    {
        if (k < 1)
            throw new CentrifugeException($"permutation-invariant loss: {k} target layers; the data must give at least 1", ExitCodes.Usage);
        if (k > n)
            throw new CentrifugeException(
                $"permutation-invariant loss: the model outputs n = {n} layers but the data has k = {k} target layers; " +
                "use a model with at least as many output layers as blended videos", ExitCodes.IncompatibleModel);
        long count = Count(n, k);
        if (count > MaxCount)
            throw new CentrifugeException(
                $"permutation-invariant loss: n = {n} outputs and k = {k} targets give {(count == long.MaxValue ? "over 9e18" : count.ToString())} " +
                $"assignments (limit {MaxCount}); use fewer output layers or fewer blended videos", ExitCodes.Usage);
    }

    private static int[][] Build(int n, int k)
    {
        var result = new List<int[]>((int)Count(n, k));
        var current = new int[k];
        var used = new bool[n];
        void Place(int target)
        {
            if (target == k) { result.Add((int[])current.Clone()); return; }
            for (int output = 0; output < n; output++)
            {
                if (used[output]) continue;
                used[output] = true;
                current[target] = output;
                Place(target + 1);
                used[output] = false;
            }
        }
        Place(0);
        return result.ToArray();
    }
}

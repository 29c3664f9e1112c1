namespace Centrifuge.Inference.Separation;

/// <summary>
/// Minimum-cost assignment of n rows to n columns (the Hungarian algorithm with potentials, O(n^3)). The number of
/// layers is small, but this stays exact and fast for any n, unlike trying all n! permutations.
/// </summary>
public static class MinimumCostAssignment
{
    /// <summary>
    /// Returns columnOf with columnOf[row] = the column assigned to that row, minimising the sum of cost[row, column].
    /// Ties are broken deterministically (the identity wins among equal-cost assignments found first).
    /// </summary>
    public static int[] Solve(double[,] cost)
    {
        int n = cost.GetLength(0);
        if (cost.GetLength(1) != n) throw new ArgumentException($"cost matrix must be square, is {n}x{cost.GetLength(1)}");
        foreach (double c in cost)
            if (double.IsNaN(c)) throw new ArgumentException("cost matrix contains NaN");

        // 1-based arrays as in the classic formulation: rowOf[col] is the row matched to col, 0 = none.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var rowOf = new int[n + 1];
        var way = new int[n + 1];
        for (int row = 1; row <= n; row++)
        {
            rowOf[0] = row;
            int col0 = 0;
            var minv = new double[n + 1];
            var used = new bool[n + 1];
            Array.Fill(minv, double.PositiveInfinity);
            do
            {
                used[col0] = true;
                int row0 = rowOf[col0], col1 = 0;
                double delta = double.PositiveInfinity;
                for (int col = 1; col <= n; col++)
                {
                    if (used[col]) continue;
                    double reduced = cost[row0 - 1, col - 1] - u[row0] - v[col];
                    if (reduced < minv[col]) { minv[col] = reduced; way[col] = col0; }
                    if (minv[col] < delta) { delta = minv[col]; col1 = col; }
                }
                for (int col = 0; col <= n; col++)
                {
                    if (used[col]) { u[rowOf[col]] += delta; v[col] -= delta; }
                    else minv[col] -= delta;
                }
                col0 = col1;
            } while (rowOf[col0] != 0);
            do
            {
                int col1 = way[col0];
                rowOf[col0] = rowOf[col1];
                col0 = col1;
            } while (col0 != 0);
        }

        var columnOf = new int[n];
        for (int col = 1; col <= n; col++) columnOf[rowOf[col] - 1] = col - 1;
        return columnOf;
    }

    /// <summary>The total cost of an assignment.</summary>
    public static double Total(double[,] cost, int[] columnOf)
    {
        double total = 0;
        for (int row = 0; row < columnOf.Length; row++) total += cost[row, columnOf[row]];
        return total;
    }
}

namespace Centrifuge.Losses;

/// <summary>
/// How a per-pair score (PSNRi in dB) is spread over the pairs, for what a user feels one video at a time: the mean,
/// the median, the 10th percentile and the win rate (the share of pairs with a score above 0, i.e. better than
/// returning the mixture). Percentiles interpolate linearly between the sorted values (NumPy's default, Hyndman and
/// Fan's type 7): the p-th percentile of x_0 &lt;= ... &lt;= x_(n-1) is x_j + f (x_(j+1) - x_j) with j + f = p (n - 1),
/// so the median of an even count is the mean of the middle two, and the 10th percentile of 11 values is x_1. A NaN
/// score sorts below every number (as .NET orders doubles) and never counts as a win; +inf counts as one.
/// </summary>
public sealed record PairDistribution(int Count, double Mean, double Median, double Percentile10, double WinRate)
{
    /// <summary>The distribution of <paramref name="values"/> (at least one).</summary>
    public static PairDistribution Of(IEnumerable<double> values)
    {
        double[] sorted = values.ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values to summarise", nameof(values));
        Array.Sort(sorted);
        return new PairDistribution(sorted.Length, sorted.Average(), Percentile(sorted, 0.5), Percentile(sorted, 0.1),
            sorted.Count(v => v > 0) / (double)sorted.Length);
    }

    /// <summary>The <paramref name="fraction"/>-quantile (0..1) of ascending <paramref name="sorted"/> values, interpolated linearly.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        if (sorted.Count == 0) throw new ArgumentException("no values", nameof(sorted));
        if (!(fraction >= 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be in [0, 1]");
        double position = fraction * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        double f = position - below;
        double lower = sorted[below];
        if (f == 0 || below + 1 >= sorted.Count) return lower;
        double upper = sorted[below + 1];
        if (lower.Equals(upper)) return lower;   // two +inf neighbours: no inf - inf
        // An infinite neighbour wins (finite and +inf: +inf); otherwise the accurate form.
        return double.IsInfinity(lower) || double.IsInfinity(upper) ? (1 - f) * lower + f * upper : lower + f * (upper - lower);
    }
}

using MathNet.Numerics.Distributions;

namespace Centrifuge.Losses;

/// <summary>
/// Two models scored on the same pairs (PSNRi in dB per pair), compared pair by pair: on how many pairs the model is
/// better than the reference, worse, or level; the mean and median of the differences (model minus reference); and the
/// two-sided sign test of "better as often as worse" (exact binomial with p = 1/2 over the pairs that are not level):
/// a small p says the model is better (or worse) on more pairs than chance would make it. Pairs differ in how hard they
/// are far more than models do, so this paired count says more than two means side by side. A pair where either score
/// is NaN counts as level.
/// </summary>
public sealed record PairedComparison(int Pairs, int Better, int Worse, int Level, double MeanDifference, double MedianDifference, double SignTestP)
{
    /// <summary>Compares <paramref name="model"/> with <paramref name="reference"/>, pair by pair (the same count, at least one).</summary>
    public static PairedComparison Of(IReadOnlyList<double> model, IReadOnlyList<double> reference)
    {
        if (model.Count != reference.Count) throw new ArgumentException($"{model.Count} scores against {reference.Count}", nameof(reference));
        if (model.Count == 0) throw new ArgumentException("no pairs to compare", nameof(model));
        double[] differences = model.Select((m, i) => m - reference[i]).ToArray();
        int better = differences.Count(d => d > 0), worse = differences.Count(d => d < 0);
        double[] sorted = differences.Where(d => !double.IsNaN(d)).Order().ToArray();
        return new PairedComparison(model.Count, better, worse, model.Count - better - worse,
            sorted.Length > 0 ? sorted.Average() : double.NaN,
            sorted.Length > 0 ? PairDistribution.Percentile(sorted, 0.5) : double.NaN,
            SignTest(better, worse));
    }

    /// <summary>Two-sided exact sign test: P(a count at least as far from n/2 as the smaller of the two) for Binomial(n, 1/2).</summary>
    public static double SignTest(int better, int worse)
    {
        int n = better + worse;
        if (n == 0) return 1;
        return Math.Min(1, 2 * Binomial.CDF(0.5, n, Math.Min(better, worse)));
    }
}

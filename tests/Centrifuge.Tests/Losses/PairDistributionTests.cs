using Centrifuge.Losses;

namespace Centrifuge.Tests.Losses;

/// <summary>The per-pair statistics every judgement of a model reports, against values worked out by hand.</summary>
public class PairDistributionTests
{
    [Fact]
    public void Odd_count_worked_by_hand()
    {
        // Sorted: -3, -1, 0, 2, 7. Mean 5 / 5 = 1. Median: position 0.5 * 4 = 2 -> 0. 10th percentile: position
        // 0.1 * 4 = 0.4 -> -3 + 0.4 * (-1 - -3) = -2.2. Wins (> 0): 2 and 7, so 2 of 5 (0 is not a win).
        PairDistribution d = PairDistribution.Of([2, -1, 7, 0, -3]);
        Assert.Equal(5, d.Count);
        Assert.Equal(1.0, d.Mean, 12);
        Assert.Equal(0.0, d.Median, 12);
        Assert.Equal(-2.2, d.Percentile10, 12);
        Assert.Equal(0.4, d.WinRate, 12);
    }

    [Fact]
    public void Even_count_interpolates_between_the_middle_two()
    {
        // Sorted: -4, 1, 3, 10. Median: position 1.5 -> (1 + 3) / 2 = 2. 10th: position 0.3 -> -4 + 0.3 * 5 = -2.5.
        PairDistribution d = PairDistribution.Of([10, 1, -4, 3]);
        Assert.Equal(2.5, d.Mean, 12);
        Assert.Equal(2.0, d.Median, 12);
        Assert.Equal(-2.5, d.Percentile10, 12);
        Assert.Equal(0.75, d.WinRate, 12);
    }

    [Fact]
    public void Eleven_values_put_the_10th_percentile_on_the_second_smallest()
    {
        // -9, -8, -5, 0, 7, 16, 27, 40, 55, 72, 91. Position 0.1 * 10 = 1 exactly: x_1, no interpolation; the median is x_5.
        PairDistribution d = PairDistribution.Of(Enumerable.Range(0, 11).Select(i => (double)(i * i) - 9));
        Assert.Equal(-8.0, d.Percentile10, 12);
        Assert.Equal(16.0, d.Median, 12);
        Assert.Equal(7 / 11.0, d.WinRate, 12);   // -9, -8, -5, 0 lose; 7, 16, ..., 91 win
    }

    [Fact]
    public void One_value_is_every_statistic()
    {
        PairDistribution d = PairDistribution.Of([-0.5]);
        Assert.Equal((1, -0.5, -0.5, -0.5, 0.0), (d.Count, d.Mean, d.Median, d.Percentile10, d.WinRate));
    }

    [Fact]
    public void Infinite_scores_win_and_NaN_sorts_lowest_without_winning()
    {
        // Sorted: NaN, 1, +inf, +inf. Median: position 1.5 between 1 and +inf -> +inf; wins 3 of 4.
        PairDistribution d = PairDistribution.Of([double.PositiveInfinity, 1, double.NaN, double.PositiveInfinity]);
        Assert.Equal(double.PositiveInfinity, d.Median);
        Assert.Equal(0.75, d.WinRate, 12);
        Assert.True(double.IsNaN(d.Percentile10));   // the worst pair is NaN: the low tail says so
        Assert.Equal(double.PositiveInfinity, PairDistribution.Percentile([double.PositiveInfinity, double.PositiveInfinity], 0.5));
    }

    [Fact]
    public void Percentile_matches_a_brute_force_of_the_definition()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 50; trial++)
        {
            double[] values = Enumerable.Range(0, 1 + random.Next(30)).Select(_ => Math.Round(random.NextDouble() * 20 - 10, 3)).ToArray();
            double[] sorted = values.OrderBy(v => v).ToArray();
            foreach (double p in new[] { 0.0, 0.1, 0.25, 0.5, 0.9, 1.0 })
            {
                // The definition: the value where the piecewise-linear curve through (i / (n - 1), x_i) crosses p.
                double expected = sorted[0];
                for (int i = 0; i + 1 < sorted.Length; i++)
                {
                    double from = (double)i / (sorted.Length - 1), to = (double)(i + 1) / (sorted.Length - 1);
                    if (p >= from && p <= to) { expected = sorted[i] + (p - from) / (to - from) * (sorted[i + 1] - sorted[i]); break; }
                }
                Assert.Equal(expected, PairDistribution.Percentile(sorted, p), 9);
            }
        }
    }

    [Fact]
    public void Nothing_to_summarise_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => PairDistribution.Of([]));
}

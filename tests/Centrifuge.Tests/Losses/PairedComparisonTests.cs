using System.Numerics;
using Centrifuge.Losses;

namespace Centrifuge.Tests.Losses;

/// <summary>The paired comparison against counting by hand and an exact sign test summed from binomial coefficients.</summary>
public class PairedComparisonTests
{
    // P(X <= k or X >= n - k) for X ~ Binomial(n, 1/2), k <= n/2, from exact integer binomial coefficients.
    private static double BruteForceSignTest(int better, int worse)
    {
        int n = better + worse, k = Math.Min(better, worse);
        if (n == 0) return 1;
        BigInteger tail = 0, coefficient = 1;
        for (int i = 0; i <= k; i++)
        {
            tail += coefficient;
            coefficient = coefficient * (n - i) / (i + 1);
        }
        double p = 2 * Math.Exp(BigInteger.Log(tail) - n * Math.Log(2));
        return Math.Min(1, p);
    }

    [Theory]
    [InlineData(5, 0, 0.0625)]
    [InlineData(0, 5, 0.0625)]
    [InlineData(3, 3, 1.0)]
    [InlineData(0, 0, 1.0)]
    [InlineData(9, 1, 0.021484375)]
    public void The_sign_test_of_small_counts_is_the_binomial_tail(int better, int worse, double expected) =>
        Assert.Equal(expected, PairedComparison.SignTest(better, worse), 12);

    [Theory]
    [InlineData(1, 20)]
    [InlineData(2, 100)]
    [InlineData(3, 517)]
    public void Random_pairs_are_counted_and_tested_as_by_hand(int seed, int count)
    {
        var random = new Random(seed);
        double[] reference = Enumerable.Range(0, count).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        // The model: better on about 60 % of the pairs, a few pairs level.
        double[] model = reference.Select(r => random.Next(10) switch { 0 => r, < 6 => r + random.NextDouble(), _ => r - random.NextDouble() }).ToArray();

        PairedComparison c = PairedComparison.Of(model, reference);

        int better = 0, worse = 0;
        for (int i = 0; i < count; i++)
        {
            if (model[i] > reference[i]) better++;
            if (model[i] < reference[i]) worse++;
        }
        double[] differences = model.Select((m, i) => m - reference[i]).Order().ToArray();
        double median = count % 2 == 1 ? differences[count / 2] : (differences[count / 2 - 1] + differences[count / 2]) / 2;
        Assert.Equal((count, better, worse, count - better - worse), (c.Pairs, c.Better, c.Worse, c.Level));
        Assert.Equal(differences.Average(), c.MeanDifference, 12);
        Assert.Equal(median, c.MedianDifference, 12);
        Assert.Equal(BruteForceSignTest(better, worse), c.SignTestP, 9);
    }

    [Fact]
    public void A_pair_without_a_score_is_level_and_unequal_counts_are_refused()
    {
        PairedComparison c = PairedComparison.Of([1.0, double.NaN, -1, 2], [0.5, 0, 0, 2]);
        Assert.Equal((4, 1, 1, 2), (c.Pairs, c.Better, c.Worse, c.Level));
        Assert.Equal((0.5 - 1 + 0) / 3, c.MeanDifference, 12);
        Assert.Throws<ArgumentException>(() => PairedComparison.Of([1.0], [1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => PairedComparison.Of([], []));
    }
}

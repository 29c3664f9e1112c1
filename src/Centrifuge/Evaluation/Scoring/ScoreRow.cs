using Centrifuge.Losses;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// One row of the paper's Table 1: the permutation-invariant loss (eq. 2, [-1, 1] scale), PSNR (dB) and SSIM of
/// the PIT-matched layers, PSNR improvement over the identity baseline, and the diversity score min_{i≠j} l(O_i, O_j).
/// Means over the evaluated pairs; beside them, how the per-pair PSNRi is spread (<see cref="PairDistribution"/>):
/// its median, 10th percentile and the win rate (share of pairs with PSNRi &gt; 0).
/// </summary>
public sealed record ScoreRow(double Loss, double Psnr, double Ssim, double Psnri, double Diversity)
{
    public double PsnriMedian { get; init; }
    public double PsnriP10 { get; init; }
    public double WinRate { get; init; }

    public static ScoreRow From(SeparationScores scores) =>
        new(scores.Loss, scores.Psnr, scores.Ssim, scores.Psnri, scores.Diversity);

    /// <summary>The field-wise mean of per-pair scores, with the spread of their PSNRi.</summary>
    public static ScoreRow Mean(IReadOnlyCollection<SeparationScores> scores)
    {
        PairDistribution psnri = PairDistribution.Of(scores.Select(s => s.Psnri));
        return From(SeparationScores.Mean(scores)) with { PsnriMedian = psnri.Median, PsnriP10 = psnri.Percentile10, WinRate = psnri.WinRate };
    }
}

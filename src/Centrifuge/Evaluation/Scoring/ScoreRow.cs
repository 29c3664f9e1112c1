using Centrifuge.Losses;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// One row of the paper's Table 1: the permutation-invariant loss (eq. 2, [-1, 1] scale), PSNR (dB) and SSIM of
/// the PIT-matched layers, PSNR improvement over the identity baseline, and the diversity score min_{i≠j} l(O_i, O_j).
/// Means over the evaluated pairs.
/// </summary>
public sealed record ScoreRow(double Loss, double Psnr, double Ssim, double Psnri, double Diversity)
{
    public static ScoreRow From(SeparationScores scores) =>
        new(scores.Loss, scores.Psnr, scores.Ssim, scores.Psnri, scores.Diversity);

    /// <summary>The field-wise mean of per-pair scores.</summary>
    public static ScoreRow Mean(IReadOnlyCollection<SeparationScores> scores) => From(SeparationScores.Mean(scores));
}

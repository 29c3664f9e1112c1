namespace Centrifuge.Losses;

/// <summary>
/// Separation quality of one sample (or the mean of many), on PIT-matched layers. Loss: the paper's loss (eq. 2,
/// summed over the k layers, [-1, 1] scale). Psnr (dB), Ssim, Ncc: means over the k layers of per-layer values on
/// [0, 1] pixels. Psnri: Psnr minus the identity baseline's (every output = the mixture). Diversity:
/// min_{i≠j} l(O_i, O_j) over all n outputs (paper section 4.2; 0 when n = 1). Psnr and Psnri may be +inf.
/// </summary>
public sealed record SeparationScores(double Loss, double Psnr, double Ssim, double Ncc, double Psnri, double Diversity)
{
    /// <summary>The field-wise mean (a +inf PSNR makes the mean +inf).</summary>
    public static SeparationScores Mean(IReadOnlyCollection<SeparationScores> scores)
    {
        if (scores.Count == 0) throw new ArgumentException("no scores to average", nameof(scores));
        return new SeparationScores(
            scores.Average(s => s.Loss), scores.Average(s => s.Psnr), scores.Average(s => s.Ssim),
            scores.Average(s => s.Ncc), scores.Average(s => s.Psnri), scores.Average(s => s.Diversity));
    }
}

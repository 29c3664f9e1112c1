namespace Centrifuge.Training;

/// <summary>
/// Scores on the fixed validation set after <see cref="Iteration"/> steps: the model's permutation-invariant loss,
/// the identity baseline (every output layer = the mixture) and their ratio (below 1 = better than doing nothing),
/// and PSNR/SSIM of the PIT-matched layers (and of the identity baseline).
/// </summary>
public sealed record ValidationResult(
    long Iteration,
    int Pairs,
    double Loss,
    double IdentityLoss,
    double Psnr,
    double Ssim,
    double Psnri,
    double IdentityPsnr,
    double IdentitySsim,
    double Seconds)
{
    /// <summary>Loss / IdentityLoss (the paper: 0.187 / 0.361 = 0.52 for the trained predictor).</summary>
    public double Ratio => IdentityLoss > 0 ? Loss / IdentityLoss : double.NaN;
}

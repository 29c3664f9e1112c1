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

    /// <summary>Blends of the training videos only (real clips, centre crops): a ratio far below <see cref="ValidationVideos"/>'s is memorisation.</summary>
    public RealVideoScore? TrainingVideos { get; init; }
    /// <summary>Blends of the validation videos only (real clips the model never trained on).</summary>
    public RealVideoScore? ValidationVideos { get; init; }

    /// <summary>What best.ckpt is chosen by: the loss on unseen real videos when there are some, else the validation loss.</summary>
    public double SelectionLoss => ValidationVideos?.Loss ?? Loss;
}

/// <summary>The PIT loss and the identity baseline on one fixed set of real-video blends.</summary>
public sealed record RealVideoScore(int Pairs, double Loss, double IdentityLoss)
{
    public double Ratio => IdentityLoss > 0 ? Loss / IdentityLoss : double.NaN;

    public static RealVideoScore From(ValidationResult r) => new(r.Pairs, r.Loss, r.IdentityLoss);
}

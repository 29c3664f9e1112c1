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
    /// <summary>Share of the pairs with PSNRi &gt; 0 (better than returning the mixture); null in files written before it was measured.</summary>
    public double? WinRate { get; init; }
    /// <summary>Median of the per-pair PSNRi (dB).</summary>
    public double? PsnriMedian { get; init; }

    /// <summary>Loss / IdentityLoss (the paper: 0.187 / 0.361 = 0.52 for the trained predictor).</summary>
    public double Ratio => IdentityLoss > 0 ? Loss / IdentityLoss : double.NaN;

    /// <summary>Blends of the training videos only (real clips, centre crops): a ratio far below <see cref="ValidationVideos"/>'s is memorisation.</summary>
    public RealVideoScore? TrainingVideos { get; init; }
    /// <summary>Blends of the validation videos only (real clips the model never trained on).</summary>
    public RealVideoScore? ValidationVideos { get; init; }

    /// <summary>What best.ckpt is chosen by: the loss on unseen real videos when there are some, else the validation loss.</summary>
    public double SelectionLoss => ValidationVideos?.Loss ?? Loss;

    /// <summary>The win rate of the same pairs as <see cref="SelectionLoss"/> (used when <see cref="TrainingConfig.BestBy"/> asks for it).</summary>
    public double? SelectionWinRate => ValidationVideos is { } v ? v.WinRate : WinRate;
}

/// <summary>The PIT loss and the identity baseline on one fixed set of real-video blends, and the share of its pairs the model wins.</summary>
public sealed record RealVideoScore(int Pairs, double Loss, double IdentityLoss)
{
    public double Ratio => IdentityLoss > 0 ? Loss / IdentityLoss : double.NaN;
    /// <summary>Share of the pairs with PSNRi &gt; 0; null in files written before it was measured.</summary>
    public double? WinRate { get; init; }

    public static RealVideoScore From(ValidationResult r) => new(r.Pairs, r.Loss, r.IdentityLoss) { WinRate = r.WinRate };
}

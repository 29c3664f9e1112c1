namespace Centrifuge.Training;

/// <summary>
/// What best.ckpt is chosen by, on the unseen-video pairs (else the validation pairs). Loss (the default): the lowest
/// PIT loss. WinRate: the highest share of pairs with PSNRi &gt; 0, and among equal shares (on 100 pairs the share moves
/// in steps of 1 %, so ties are common) the lowest loss; when a score has no win rate (a best.json written before it
/// was measured) the loss alone decides.
/// </summary>
public enum BestCheckpointCriterion { Loss, WinRate }

/// <summary>The comparison behind <see cref="BestCheckpointCriterion"/>.</summary>
public static class BestCheckpointRule
{
    /// <summary>
    /// Whether a validation scoring (<paramref name="loss"/>, <paramref name="winRate"/>) replaces the best so far
    /// (null before any). A non-finite loss never does.
    /// </summary>
    public static bool IsBetter(BestCheckpointCriterion criterion, double loss, double? winRate, double? bestLoss, double? bestWinRate)
    {
        if (!double.IsFinite(loss)) return false;
        if (bestLoss is not { } b) return true;
        if (criterion == BestCheckpointCriterion.WinRate && winRate is { } w && bestWinRate is { } bw && w != bw) return w > bw;
        return loss < b;
    }
}

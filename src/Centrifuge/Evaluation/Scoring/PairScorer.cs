using Centrifuge.Runtime;
using Centrifuge.Data;
using Centrifuge.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// Scores several contenders on the same blended pairs in one pass over the batches (each batch is decoded once):
/// per-pair <see cref="SeparationMetrics"/> of the PIT-matched layers, averaged over all pairs.
/// </summary>
public static class PairScorer
{
    /// <summary>One <see cref="ScoreRow"/> per contender, in order. Every batch is disposed here.</summary>
    public static ScoreRow[] Score(IEnumerable<BlendedBatch> batches, IReadOnlyList<Contender> contenders) =>
        PerPair(batches, contenders).Scores.Select(scores => ScoreRow.Mean(scores)).ToArray();

    /// <summary>
    /// The scores of every pair, per contender, and the source ids of each pair's layers (in pair order). Throws when
    /// there are no pairs.
    /// </summary>
    public static (List<SeparationScores>[] Scores, List<string[]> Sources) PerPair(IEnumerable<BlendedBatch> batches, IReadOnlyList<Contender> contenders)
    {
        var scores = contenders.Select(_ => new List<SeparationScores>()).ToArray();
        var sources = new List<string[]>();
        using var noGrad = torch.no_grad();
        foreach (BlendedBatch batch in batches)
        {
            using var scope = torch.NewDisposeScope();
            using (batch)
            {
                Tensor mixture = batch.Mixture;   // [B, 3, T, H, W] in [-1, 1]
                Tensor targets = batch.Targets;   // [B, k, 3, T, H, W]
                sources.AddRange(batch.SourceIds);
                for (int c = 0; c < contenders.Count; c++)
                {
                    Func<Tensor, Tensor>? separate = contenders[c].Separate;
                    if (separate is null)
                    {
                        scores[c].AddRange(SeparationMetrics.IdentityPerSample(targets, mixture));
                        continue;
                    }
                    Tensor layers = separate(mixture);   // [B, n, 3, T, H, W]
                    RequireFinite(layers, contenders[c].Name, batch, scores[c].Count);
                    scores[c].AddRange(SeparationMetrics.PerSample(layers, targets, mixture));
                }
            }
        }
        if (scores.Length > 0 && scores[0].Count == 0)
            throw new CentrifugeException("evaluation: no blended pairs to score", ExitCodes.InvalidInput);
        return (scores, sources);
    }

    // A NaN would otherwise surface as "cost matrix contains NaN" from the permutation matcher, or as a NaN score.
    private static void RequireFinite(Tensor layers, string contender, BlendedBatch batch, int firstPair)
    {
        Tensor finite = torch.isfinite(layers).flatten(1).all(1);   // [B]
        for (int i = 0; i < batch.Size; i++)
        {
            if (finite[i].item<bool>()) continue;
            throw new CentrifugeException(
                $"evaluation: {contender}'s layers are not finite (NaN or infinite) on pair {firstPair + i + 1} " +
                $"({string.Join(" + ", batch.SourceIds[i])}); {KernelGuard.LikelyCause()}", ExitCodes.NonFiniteOutput);
        }
    }
}

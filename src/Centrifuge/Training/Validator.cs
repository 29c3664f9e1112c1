using Centrifuge.Data;
using Centrifuge.Losses;
using Centrifuge.Models;
using static TorchSharp.torch;

namespace Centrifuge.Training;

/// <summary>
/// Scores a model on the fixed validation set: eval mode (batch-norm running averages, as the paper does at test
/// time), no gradients, one dispose scope per batch; the model is put back in training mode afterwards. Besides the
/// means, the spread of the per-pair PSNRi: the win rate (share of pairs with PSNRi &gt; 0) and the median.
/// </summary>
public static class Validator
{
    /// <summary>Scores every batch; <paramref name="cancel"/> is checked before each one (throws <see cref="OperationCanceledException"/>).</summary>
    public static ValidationResult Run(CentrifugeModel model, IEnumerable<BlendedBatch> batches, Device device, long iteration,
        CancellationToken cancel = default)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        bool wasTraining = model.training;
        model.eval();
        double loss = 0, identity = 0, psnr = 0, ssim = 0, psnri = 0, identityPsnr = 0, identitySsim = 0;
        int pairs = 0;
        var perPairPsnri = new List<double>();
        try
        {
            using var noGrad = no_grad();
            using IEnumerator<BlendedBatch> next = batches.GetEnumerator();
            while (true)
            {
                // The scope opens before MoveNext, so the batch's tensors are disposed with it.
                using var scope = NewDisposeScope();
                cancel.ThrowIfCancellationRequested();
                if (!next.MoveNext()) break;
                BlendedBatch batch = next.Current;
                Tensor mixture = batch.Mixture.to(device);   // [B, 3, T, H, W]
                Tensor targets = batch.Targets.to(device);   // [B, k, 3, T, H, W]
                Tensor outputs = model.forward(mixture);     // [B, n, 3, T, H, W]
                int b = (int)mixture.shape[0];
                double pit = PermutationInvariantLoss.Compute(outputs, targets).Loss.item<float>();
                SeparationScores[] perPair = SeparationMetrics.PerSample(outputs, targets, mixture);
                perPairPsnri.AddRange(perPair.Select(p => p.Psnri));
                SeparationScores scores = SeparationScores.Mean(perPair);
                SeparationScores baseline = SeparationMetrics.Identity(targets, mixture);
                loss += pit * b;
                identity += baseline.Loss * b;
                psnr += scores.Psnr * b;
                ssim += scores.Ssim * b;
                psnri += scores.Psnri * b;
                identityPsnr += baseline.Psnr * b;
                identitySsim += baseline.Ssim * b;
                pairs += b;
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        if (pairs == 0) throw new CentrifugeException("validation set is empty: no validation pairs could be made", ExitCodes.InvalidInput);
        PairDistribution spread = PairDistribution.Of(perPairPsnri);
        return new ValidationResult(iteration, pairs, loss / pairs, identity / pairs, psnr / pairs, ssim / pairs,
            psnri / pairs, identityPsnr / pairs, identitySsim / pairs,
            System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds)
        {
            WinRate = spread.WinRate, PsnriMedian = spread.Median,
        };
    }
}

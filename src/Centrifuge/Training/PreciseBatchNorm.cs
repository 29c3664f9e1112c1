using Centrifuge.Data;
using Centrifuge.Models;
using TorchSharp;
using TorchSharp.Modules;

namespace Centrifuge.Training;

/// <summary>
/// Batch-norm statistics re-estimated for the weights a model has now ("precise BN", Wu and Johnson, 2021; the last
/// step of stochastic weight averaging): every batch-norm layer's running mean and variance become the plain average
/// of their values over N training batches, instead of the exponential average a training leaves (with momentum 0.1,
/// mostly its last 20 batches, taken while the weights still moved) or the average of several models' statistics that
/// a soup inherits. Batch-norm layers run as in training, every other module as in evaluation (no decoder dropout),
/// without gradients; the weights do not change.
/// </summary>
public static class PreciseBatchNorm
{
    /// <summary>Re-estimates the statistics of <paramref name="model"/> on training batches 0..count-1; returns the number of batch-norm layers.</summary>
    public static int Update(CentrifugeModel model, ITrainingBatches batches, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "at least one batch");
        List<BatchNorm> norms = [.. model.modules().OfType<BatchNorm>()];
        if (norms.Count == 0) return 0;
        double?[] momentum = [.. norms.Select(n => n.momentum)];
        bool training = model.training;
        try
        {
            model.eval();
            foreach (BatchNorm norm in norms)
            {
                norm.reset_running_stats();
                norm.train();
            }
            using var noGrad = torch.no_grad();
            for (int k = 0; k < count; k++)
            {
                using var scope = torch.NewDisposeScope();
                // running = (1 - 1/(k+1)) running + 1/(k+1) batch: after batch k, the mean of batches 0..k.
                foreach (BatchNorm norm in norms) norm.momentum = 1.0 / (k + 1);
                using BlendedBatch batch = batches.Training(k);
                model.forward(batch.Mixture);   // [B, 3, T, H, W] in [-1, 1]
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].momentum = momentum[i];
            model.train(training);
        }
        return norms.Count;
    }
}

using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>
/// A batch of blended clips with their ground truth. Mixture [B, 3, T, H, W] in [-1, 1]; Targets [B, k, 3, T, H, W]
/// in [-1, 1]; Weights [B, k] (rows sum to one; Mixture = sum_i Weights[:, i] Targets[:, i]); SourceIds[b][i] names
/// layer i of sample b (a source id, or "frozen:", "photo:", "colour:" ids). The caller disposes it.
/// </summary>
public sealed record BlendedBatch(Tensor Mixture, Tensor Targets, Tensor Weights, string[][] SourceIds) : IDisposable
{
    /// <summary>The loader iteration this batch belongs to (-1 for validation batches).</summary>
    public long Iteration { get; init; } = -1;

    public int Size => (int)Mixture.shape[0];

    public void Dispose()
    {
        Mixture.Dispose();
        Targets.Dispose();
        Weights.Dispose();
    }
}

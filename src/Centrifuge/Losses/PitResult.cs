using static TorchSharp.torch;

namespace Centrifuge.Losses;

/// <summary>
/// The permutation-invariant loss of a batch. Loss: scalar mean over the batch (differentiable); PerSample: [B];
/// Assignment[b][i] = the output index matched to target i in sample b (the winning assignment).
/// </summary>
public sealed record PitResult(Tensor Loss, Tensor PerSample, int[][] Assignment)
{
    /// <summary>The matrix of pairwise losses, detached: [B, k, n], [b, i, j] = l(target i, output j).</summary>
    public Tensor? Pairwise { get; init; }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// TorchSharp's BatchNorm2d / BatchNorm3d with one difference: the training-mode count of batches
/// (<c>num_batches_tracked += 1</c>) keeps its Scalar alive through the native call. TorchSharp's own forward converts
/// the 1 to a Scalar that nothing references, so a garbage collection on a loader thread can free it while libtorch
/// reads it ("Unknown scalar type." or "Expected false to be true ... toLong at c10/core/Scalar.h" from
/// <c>add_</c> inside BatchNorm.forward, seen in long trainings; docs/NUMERICS.md, "Scalars"). Everything else is
/// TorchSharp's <see cref="BatchNorm"/>: the same parameters and buffers under the same names (checkpoints load either
/// way), the same running statistics and momentum (null = a cumulative average), the same functional batch norm.
/// </summary>
public sealed class LiveBatchNorm : BatchNorm
{
    private readonly int _rank;

    /// <summary>Batch norm over inputs of <paramref name="rank"/> dimensions: 4 for [B, C, H, W], 5 for [B, C, T, H, W].</summary>
    public LiveBatchNorm(long channels, int rank, double eps = 1e-5, double momentum = 0.1)
        : base(channels, eps, momentum, affine: true, track_running_stats: true, device: null, dtype: null,
            name: rank == 4 ? nameof(BatchNorm2d) : nameof(BatchNorm3d))
    {
        if (rank is not (4 or 5)) throw new ArgumentOutOfRangeException(nameof(rank), rank, "4 (BatchNorm2d) or 5 (BatchNorm3d)");
        _rank = rank;
    }

    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != _rank) throw new ArgumentException($"expected a {_rank}D input, got {input.ndim}D");
    }

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        double factor = momentum ?? 0.0;
        if (training && track_running_stats && num_batches_tracked is { } tracked)
        {
            tracked.IncrementInPlace();
            factor = momentum ?? 1.0 / tracked.item<long>();
        }
        bool batchStatistics = training || (running_mean is null && running_var is null);
        bool runningStatistics = !training || track_running_stats;
        return nn.functional.batch_norm(input, runningStatistics ? running_mean : null, runningStatistics ? running_var : null,
            weight, bias, batchStatistics, factor, eps);
    }
}

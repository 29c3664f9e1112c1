namespace Centrifuge.Training;

/// <summary>
/// Everything besides the tensors that a resumed run needs to continue exactly where it stopped. Stored as JSON in
/// the header of every training checkpoint.
/// </summary>
public sealed record TrainingState
{
    /// <summary>Steps completed; the next step uses learning rate schedule.At(Iteration) and batch number Iteration.</summary>
    public long Iteration { get; init; }
    /// <summary>The data loader's position: the number of the next batch (the loader is a pure function of seed and it).</summary>
    public long LoaderPosition { get; init; }
    /// <summary>Multiplies the schedule's rate; halved each time non-finite losses force a reload.</summary>
    public double LrScale { get; init; } = 1.0;
    public int NonFiniteReloads { get; init; }
    /// <summary>The validation PIT loss of best.ckpt (the lowest seen, unless best_by is win_rate), or null before any validation.</summary>
    public double? BestValidationLoss { get; init; }
    public long? BestIteration { get; init; }
    /// <summary>The win rate of best.ckpt's validation (what <see cref="BestCheckpointCriterion.WinRate"/> compares), or null.</summary>
    public double? BestWinRate { get; init; }
    /// <summary>libtorch's CPU generator state (torch.get_rng_state), so any random op continues its sequence.</summary>
    public byte[] TorchRngState { get; init; } = [];
    /// <summary>Wall-clock seconds spent training, summed over every session of this run.</summary>
    public double TrainingSeconds { get; init; }
    /// <summary>CPU seconds (user + system, all threads) of the training process, summed over every session of this run.</summary>
    public double CpuSeconds { get; init; }
    public DateTime SavedUtc { get; init; }
    /// <summary>The effective config of the run that wrote this checkpoint.</summary>
    public TrainingConfig Config { get; init; } = new();
}

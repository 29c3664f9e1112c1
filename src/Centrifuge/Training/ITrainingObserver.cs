namespace Centrifuge.Training;

/// <summary>How a run begins: where it resumes from, how far it goes, what it trains on.</summary>
public sealed record TrainingStart(long FirstIteration, long Iterations, string? ResumedFrom, string Data, long Parameters,
    TrainingConfig Config);

/// <summary>
/// After one step: the step's loss (NaN when it was skipped as non-finite), the mean of the recent finite losses,
/// the learning rate used, and speed over the recent steps (ETA excludes validation and checkpoint time).
/// </summary>
public sealed record TrainingProgress(long Iteration, long Iterations, double Loss, double RunningLoss, double LearningRate,
    double ItersPerSecond, TimeSpan? Eta, bool Skipped);

/// <summary>Why <see cref="Trainer.Run"/> returned.</summary>
public enum TrainingStopReason { Completed, Interrupted }

/// <summary>The end of a session: the last iteration, the checkpoint that holds it, and the best validation.</summary>
public sealed record TrainingOutcome(TrainingStopReason Reason, long Iteration, string? Checkpoint,
    double? BestValidationLoss, long? BestIteration, ValidationResult? LastValidation)
{
    /// <summary>Frames lost to damaged training videos (trained on what decoded; see <see cref="ITrainingBatches.FramesLost"/>).</summary>
    public FrameLoss FramesLost { get; init; }
}

/// <summary>What a user interface (the CLI's progress display, a test) hears from the trainer. Called on the training thread.</summary>
public interface ITrainingObserver
{
    void Started(TrainingStart start);
    void Stepped(TrainingProgress progress);
    void Validated(ValidationResult result, bool best);
    /// <summary>A notable event in one line: checkpoint written, non-finite loss, reload, interruption.</summary>
    void Note(string message);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class SilentTrainingObserver : ITrainingObserver
{
    public static readonly SilentTrainingObserver Instance = new();
    public void Started(TrainingStart start) { }
    public void Stepped(TrainingProgress progress) { }
    public void Validated(ValidationResult result, bool best) { }
    public void Note(string message) { }
}

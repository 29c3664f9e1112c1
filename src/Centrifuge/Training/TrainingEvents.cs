namespace Centrifuge.Training;

// What the trainer reports on the run's channel (IRunEvents), in order: notes (RunNote) as they come, TrainingStart once,
// then a TrainingProgress after every step and a TrainingValidated after every validation; TrainingInterrupted last
// when a stop request ended it.

/// <summary>How a run begins: where it resumes from, how far it goes, what it trains on.</summary>
public sealed record TrainingStart(long FirstIteration, long Iterations, string? ResumedFrom, string Data, long Parameters,
    TrainingConfig Config) : RunEvent;

/// <summary>
/// After one step: the step's loss (NaN when it was skipped as non-finite), the mean of the recent finite losses,
/// the learning rate used, and speed over the recent steps (ETA excludes validation and checkpoint time).
/// </summary>
public sealed record TrainingProgress(long Iteration, long Iterations, double Loss, double RunningLoss, double LearningRate,
    double ItersPerSecond, TimeSpan? Eta, bool Skipped) : RunProgress
{
    public override double StepsDone => Iteration;
    public override double Steps => Iterations;
}

/// <summary>A validation: its scores, and whether they are the best so far (best.ckpt was just written).</summary>
public sealed record TrainingValidated(ValidationResult Result, bool Best) : RunEvent;

/// <summary>A stop request ended the run early: the last iteration and the checkpoint that now holds it (it can resume).</summary>
public sealed record TrainingInterrupted(long Iteration, string? Checkpoint) : RunEvent;

/// <summary>Why <see cref="Trainer.Run"/> returned.</summary>
public enum TrainingStopReason { Completed, Interrupted }

/// <summary>The end of a session: the last iteration, the checkpoint that holds it, and the best validation.</summary>
public sealed record TrainingOutcome(TrainingStopReason Reason, long Iteration, string? Checkpoint,
    double? BestValidationLoss, long? BestIteration, ValidationResult? LastValidation)
{
    /// <summary>Frames lost to damaged training videos (trained on what decoded; see <see cref="ITrainingBatches.FramesLost"/>).</summary>
    public FrameLoss FramesLost { get; init; }
}

using System.Diagnostics;
using Centrifuge.Training;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>
/// Logs a variant's training every <paramref name="logEvery"/> steps with the time spent of its budget (the trainer
/// itself ends the run at the budget, with a validation and a checkpoint: <see cref="TrainingConfig.MaxMinutes"/>).
/// </summary>
public sealed class BudgetProgressLog(TimeSpan budget, TextWriter log, string name, int logEvery = 50) : ITrainingObserver
{
    private readonly Stopwatch _clock = new();

    /// <summary>Seconds since the run started.</summary>
    public double Seconds => _clock.Elapsed.TotalSeconds;

    public void Started(TrainingStart start) => _clock.Start();

    public void Stepped(TrainingProgress progress)
    {
        if (progress.Iteration % logEvery == 0)
            log.WriteLine($"  {name}: iteration {progress.Iteration}, loss {progress.RunningLoss:F4}, {Seconds:F0} s of {budget.TotalSeconds:F0} s");
    }

    public void Validated(ValidationResult result, bool best) { }

    public void Note(string message) { }
}

using System.Diagnostics;
using Centrifuge.Training;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>
/// Stops a training run when its wall-clock budget is spent: the trainer checks the token after every step and
/// stops cleanly with a checkpoint. Progress is logged every <paramref name="logEvery"/> steps.
/// </summary>
public sealed class BudgetObserver(TimeSpan budget, TextWriter log, string name, int logEvery = 50) : ITrainingObserver, IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly Stopwatch _clock = new();

    public CancellationToken Token => _cancel.Token;
    public double Seconds => _clock.Elapsed.TotalSeconds;

    public void Started(TrainingStart start) => _clock.Start();

    public void Stepped(TrainingProgress progress)
    {
        if (progress.Iteration % logEvery == 0)
            log.WriteLine($"  {name}: iteration {progress.Iteration}, loss {progress.RunningLoss:F4}, {Seconds:F0} s of {budget.TotalSeconds:F0} s");
        if (_clock.Elapsed >= budget) _cancel.Cancel();
    }

    public void Validated(ValidationResult result, bool best) { }

    public void Note(string message) { }

    public void Dispose() => _cancel.Dispose();
}

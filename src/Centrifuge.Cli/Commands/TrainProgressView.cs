using Centrifuge.Training;
using ValidationResult = Centrifuge.Training.ValidationResult;

namespace Centrifuge.Cli.Commands;

/// <summary>
/// What `centrifuge train` shows: on a terminal a Spectre progress bar with iteration, it/s, ETA and running loss;
/// when the output is redirected, one plain line every log_every iterations. Validations and events are lines.
/// </summary>
internal sealed class TrainProgressView(CliContext context) : ITrainingObserver
{
    private readonly ProgressReporter _progress = new(context);
    private Action<ProgressUpdate>? _update;
    private int _logEvery = 20;
    private long _first;

    public TrainingOutcome Run(Func<ITrainingObserver, TrainingOutcome> train) =>
        _progress.Run("starting", update =>
        {
            _update = update;
            return train(this);
        });

    public void Started(TrainingStart start)
    {
        _logEvery = start.Config.LogEvery;
        _first = start.FirstIteration;
        Line(start.ResumedFrom is null
            ? $"training {start.Parameters:N0} parameters on {start.Data} for {start.Iterations} iterations"
            : $"resumed from {start.ResumedFrom} at iteration {start.FirstIteration} of {start.Iterations}");
        _update?.Invoke(new ProgressUpdate(start.FirstIteration, start.Iterations, "starting"));
    }

    public void Stepped(TrainingProgress p)
    {
        string eta = p.Eta is { } e ? $"{(int)e.TotalHours}:{e.Minutes:D2}:{e.Seconds:D2}" : "?";
        string text = $"iteration {p.Iteration}/{p.Iterations}  loss {p.RunningLoss:F4}  lr {p.LearningRate:G3}  {p.ItersPerSecond:F2} it/s  ETA {eta}";
        bool logged = p.Iteration % _logEvery == 0 || p.Iteration == p.Iterations || p.Iteration == _first + 1;
        _update?.Invoke(new ProgressUpdate(p.Iteration, p.Iterations, text, logged ? text : null));
    }

    public void Validated(ValidationResult r, bool best) =>
        Line($"validation at {r.Iteration}: loss {r.Loss:F4}, identity {r.IdentityLoss:F4}, ratio {r.Ratio:F3}, " +
             $"PSNR {r.Psnr:F2} dB, SSIM {r.Ssim:F3}{WinRate(r.WinRate)} ({r.Pairs} pairs)" +
             (r.TrainingVideos is { } t && r.ValidationVideos is { } v
                 ? $"; real videos: training {t.Ratio:F3} vs validation {v.Ratio:F3} (gap {v.Ratio - t.Ratio:+0.000;-0.000}){WinRate(v.WinRate)}" : "") +
             (best ? "; best so far: best.ckpt" : ""));

    private static string WinRate(double? share) => share is { } w ? $", win rate {100 * w:F0} %" : "";

    public void Note(string message) => Line(message);

    public void Summarise(TrainingOutcome outcome, RunFolder folder)
    {
        string best = outcome.BestValidationLoss is { } b ? $"; best validation loss {b:F4} at {outcome.BestIteration} in {folder.BestModelPath}" : "";
        Line(outcome.Reason == TrainingStopReason.Completed
            ? $"done: {outcome.Iteration} iterations{best}; curves in {folder.PlotPath}"
            : $"stopped at iteration {outcome.Iteration}; checkpoint {outcome.Checkpoint}{best}");
    }

    private void Line(string text) => _progress.Line(text);
}

using Centrifuge.Training;
using Spectre.Console;
using ValidationResult = Centrifuge.Training.ValidationResult;

namespace Centrifuge.Cli.Commands;

/// <summary>
/// What `centrifuge train` shows: on a terminal a Spectre progress bar with iteration, it/s, ETA and running loss;
/// when the output is redirected, one plain line every log_every iterations. Validations and events are lines.
/// </summary>
internal sealed class TrainProgressView(CliContext context) : ITrainingObserver
{
    private readonly object _gate = new();
    private ProgressTask? _task;
    private int _logEvery = 20;
    private long _first;

    private bool Interactive => context.Console.Profile.Capabilities.Interactive;

    public TrainingOutcome Run(Func<ITrainingObserver, TrainingOutcome> train)
    {
        if (!Interactive) return train(this);
        TrainingOutcome? outcome = null;
        context.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(progress =>
            {
                _task = progress.AddTask("starting", autoStart: true, maxValue: 1);
                outcome = train(this);
            });
        return outcome!;
    }

    public void Started(TrainingStart start)
    {
        _logEvery = start.Config.LogEvery;
        _first = start.FirstIteration;
        Line(start.ResumedFrom is null
            ? $"training {start.Parameters:N0} parameters on {start.Data} for {start.Iterations} iterations"
            : $"resumed from {start.ResumedFrom} at iteration {start.FirstIteration} of {start.Iterations}");
        if (_task is not null)
        {
            _task.MaxValue = start.Iterations;
            _task.Value = start.FirstIteration;
        }
    }

    public void Stepped(TrainingProgress p)
    {
        string eta = p.Eta is { } e ? $"{(int)e.TotalHours}:{e.Minutes:D2}:{e.Seconds:D2}" : "?";
        string text = $"iteration {p.Iteration}/{p.Iterations}  loss {p.RunningLoss:F4}  lr {p.LearningRate:G3}  {p.ItersPerSecond:F2} it/s  ETA {eta}";
        if (_task is not null)
        {
            _task.Value = p.Iteration;
            _task.Description = Markup.Escape(text);
        }
        else if (p.Iteration % _logEvery == 0 || p.Iteration == p.Iterations || p.Iteration == _first + 1)
        {
            Line(text);
        }
    }

    public void Validated(ValidationResult r, bool best) =>
        Line($"validation at {r.Iteration}: loss {r.Loss:F4}, identity {r.IdentityLoss:F4}, ratio {r.Ratio:F3}, " +
             $"PSNR {r.Psnr:F2} dB, SSIM {r.Ssim:F3} ({r.Pairs} pairs)" +
             (r.TrainingVideos is { } t && r.ValidationVideos is { } v
                 ? $"; real videos: training {t.Ratio:F3} vs validation {v.Ratio:F3} (gap {v.Ratio - t.Ratio:+0.000;-0.000})" : "") +
             (best ? "; best so far: best.ckpt" : ""));

    public void Note(string message) => Line(message);

    public void Summarise(TrainingOutcome outcome, RunFolder folder)
    {
        string best = outcome.BestValidationLoss is { } b ? $"; best validation loss {b:F4} at {outcome.BestIteration} in {folder.BestModelPath}" : "";
        Line(outcome.Reason == TrainingStopReason.Completed
            ? $"done: {outcome.Iteration} iterations{best}; curves in {folder.PlotPath}"
            : $"stopped at iteration {outcome.Iteration}; checkpoint {outcome.Checkpoint}{best}");
    }

    private void Line(string text)
    {
        lock (_gate)
        {
            if (_task is not null) context.Console.MarkupLine(Markup.Escape(text));
            else
            {
                context.Output.WriteLine(text);
                context.Output.Flush();
            }
        }
    }
}

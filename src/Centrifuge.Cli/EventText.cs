using System.CommandLine;
using Centrifuge.Data;
using Centrifuge.Inference.Batch;
using Centrifuge.Inference.Output;
using Centrifuge.Inference.Separation;
using Centrifuge.Training;
using ValidationResult = Centrifuge.Training.ValidationResult;

namespace Centrifuge.Cli;

/// <summary>Where a line of the <see cref="ProgressReporter"/> goes.</summary>
internal enum LineKind
{
    /// <summary>A progress line: only when no bar shows the progress (redirected output), and only where progress goes.</summary>
    Progress,
    /// <summary>A line of its own (a validation, an input's result): above the bar, else where progress goes.</summary>
    Line,
    /// <summary>A note: as <see cref="Line"/>, or on stderr for a command whose stdout is its result.</summary>
    Note,
    /// <summary>Always on stderr (a warning, a failed input), whatever the mode.</summary>
    Error,
}

/// <summary>
/// What an event shows: a line (and where it goes), a bar's status for progress, and the label of the work it begins.
/// <see cref="Throttled"/>: a routine progress line, shown at most once per interval (and always the last).
/// </summary>
internal readonly record struct Shown(string? Line, LineKind Kind = LineKind.Line, string? Status = null, string? Begins = null,
    bool Throttled = false);

/// <summary>
/// The text of each kind of <see cref="RunEvent"/> as the CLI shows it, in one place. Holds what a training run's lines
/// depend on (log_every and the first iteration, from <see cref="TrainingStart"/>).
/// </summary>
internal sealed class EventText
{
    private int _logEvery = 20;
    private long _first;

    /// <param name="command">names the flags in a failed input's error</param>
    public Shown Of(RunEvent e, Command? command) => e switch
    {
        RunNote note => new(note.Text, LineKind.Note),
        RunWarning warning => new($"centrifuge: warning: {warning.Text}", LineKind.Error),
        WorkStarted work => new(null, Begins: work.Label),
        TrainingStart start => Started(start),
        TrainingProgress step => Stepped(step),
        TrainingValidated validated => new(Validated(validated.Result, validated.Best)),
        TrainingInterrupted stop => new($"interrupted at iteration {stop.Iteration}; saved {stop.Checkpoint} (continue with --resume)", LineKind.Note),
        PrepareProgress p => new($"prepare: [{p.Done}/{p.Total}] {p.Path}: {p.Outcome}", LineKind.Progress, Path.GetFileName(p.Path),
            Throttled: p.Reused),
        SeparationProgress p => Separating(p),
        SeparationOutcome outcome => Finished(outcome, command),
        _ => new(null),
    };

    private Shown Started(TrainingStart start)
    {
        _logEvery = start.Config.LogEvery;
        _first = start.FirstIteration;
        return new(start.ResumedFrom is null
            ? $"training {start.Parameters:N0} parameters on {start.Data} for {start.Iterations} iterations"
            : $"resumed from {start.ResumedFrom} at iteration {start.FirstIteration} of {start.Iterations}", Begins: "starting");
    }

    // On a terminal every step moves the bar; redirected, one line every log_every iterations (and the first and the last).
    private Shown Stepped(TrainingProgress p)
    {
        string eta = p.Eta is { } e ? $"{(int)e.TotalHours}:{e.Minutes:D2}:{e.Seconds:D2}" : "?";
        string text = $"iteration {p.Iteration}/{p.Iterations}  loss {p.RunningLoss:F4}  lr {p.LearningRate:G3}  {p.ItersPerSecond:F2} it/s  ETA {eta}";
        bool logged = p.Iteration % _logEvery == 0 || p.Iteration == p.Iterations || p.Iteration == _first + 1;
        return new(logged ? text : null, LineKind.Progress, text);
    }

    private static string Validated(ValidationResult r, bool best) =>
        $"validation at {r.Iteration}: loss {r.Loss:F4}, identity {r.IdentityLoss:F4}, ratio {r.Ratio:F3}, " +
        $"PSNR {r.Psnr:F2} dB, SSIM {r.Ssim:F3}{WinRate(r.WinRate)} ({r.Pairs} pairs)" +
        (r.TrainingVideos is { } t && r.ValidationVideos is { } v
            ? $"; real videos: training {t.Ratio:F3} vs validation {v.Ratio:F3} (gap {v.Ratio - t.Ratio:+0.000;-0.000}){WinRate(v.WinRate)}" : "") +
        (best ? "; best so far: best.ckpt" : "");

    private static string WinRate(double? share) => share is { } w ? $", win rate {100 * w:F0} %" : "";

    private static Shown Separating(SeparationProgress p)
    {
        string name = p.Name;
        string eta = p.Remaining is TimeSpan r && !p.Finished ? $", ETA {r:h\\:mm\\:ss}" : "";
        return new($"{name}: {p.FramesDone}/{p.FramesTotal} frames ({100.0 * p.FramesDone / Math.Max(1, p.FramesTotal):F0}%), {p.FramesPerSecond:F1} frames/s{eta}",
            LineKind.Progress, $"{name} {p.FramesDone}/{p.FramesTotal} frames {p.FramesPerSecond:F1} fps", Throttled: true);
    }

    // One line per input of a batch: where the layers went, or why not (its warnings came before it as RunWarnings).
    private static Shown Finished(SeparationOutcome outcome, Command? command)
    {
        if (outcome.Skipped is { } why) return new($"{outcome.Input}: skipped, already separated: {why}");
        if (outcome.Result is not { } r)
            return new($"centrifuge: error: {(command is null ? outcome.Error : OptionFlags.Describe(outcome.Error!, outcome.ExitCode, command))} (skipped)",
                LineKind.Error);
        SeparationSummary s = r.Summary;
        return new($"{outcome.Input} -> {r.OutputFolder}/ ({s.Frames} frames, {s.Width}x{s.Height}, {s.Layers} layers, pair {s.Pair[0]}+{s.Pair[1]}, " +
                   $"{s.Seconds:F1} s, {s.FramesPerSecond:F2} frames/s, peak memory {s.PeakMemoryMb:F0} MB + {s.FfmpegPeakMemoryMb:F0} MB in ffmpeg" +
                   $"{(s.FramesLost.Any ? $"; {s.FramesLost.Describe()} to damage" : "")})");
    }
}

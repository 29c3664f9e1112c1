using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;

namespace Centrifuge.Cli;

/// <summary>Where progress goes: a bar on a terminal (else plain lines on stdout), plain lines on stderr, or nowhere.</summary>
public enum ProgressMode
{
    Auto,
    StandardError,
    None,
}

/// <summary>
/// The CLI's one renderer of the library's channel (<see cref="IRunEvents"/>), for every long command (train, prepare,
/// separate, demo, experiment): a Spectre bar on a terminal, plain lines when the output is redirected (a routine
/// progress line at most once per <see cref="PlainInterval"/>, and always the last), nothing when the output must stay
/// machine-readable; warnings and failed inputs always on stderr. Lines printed while a bar runs go above it. What each
/// event says is <see cref="EventText"/>'s.
/// </summary>
public sealed class ProgressReporter(CliContext context, ProgressMode mode = ProgressMode.Auto) : IRunEvents
{
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly EventText _text = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastPlain;
    private ProgressContext? _bar;
    private ProgressTask? _task;

    /// <summary>Put before each note ("demo: ").</summary>
    public string NotePrefix { get; init; } = "";

    /// <summary>Notes go to stderr whatever the mode: for a command whose stdout is its result (separate, prepare).</summary>
    public bool NotesToError { get; init; }

    /// <summary>The command, to name its flags in the error of a failed input.</summary>
    public Command? Command { get; init; }

    private bool Interactive => mode == ProgressMode.Auto && context.Console.Profile.Capabilities.Interactive;
    private TextWriter? Plain => mode switch { ProgressMode.Auto => context.Output, ProgressMode.StandardError => context.Error, _ => null };

    /// <summary>Runs <paramref name="work"/>, which reports on the sink it is given, under a bar when the output is a terminal.</summary>
    public T Run<T>(Func<IRunEvents, T> work)
    {
        if (!Interactive) return work(this);
        T result = default!;
        context.Console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(bar =>
            {
                lock (_gate) _bar = bar;
                try
                {
                    result = work(this);
                }
                finally
                {
                    lock (_gate)
                    {
                        _task?.StopTask();
                        (_bar, _task) = (null, null);
                    }
                }
            });
        return result;
    }

    public void Report(RunEvent e)
    {
        lock (_gate)
        {
            Shown shown = _text.Of(e, Command);
            if (shown.Begins is { } label) Begin(label);
            if (e is RunProgress progress && _bar is not null) Advance(progress, shown.Status ?? "");
            if (shown.Line is not { } line) return;
            switch (shown.Kind)
            {
                case LineKind.Error:
                    Write(context.Error, line);
                    break;
                case LineKind.Note when NotesToError:
                    Write(context.Error, NotePrefix + line);
                    break;
                case LineKind.Note:
                    Line(NotePrefix + line);
                    break;
                case LineKind.Line:
                    Line(line);
                    break;
                case LineKind.Progress when _bar is null && Plain is { } plain:
                    bool finished = e is RunProgress { Finished: true };
                    if (shown.Throttled && !finished && _lastPlain is { } last && _clock.Elapsed - last < PlainInterval) return;
                    _lastPlain = _clock.Elapsed;
                    Write(plain, line);
                    break;
            }
        }
    }

    /// <summary>A line of its own (a command's summary): above the bar on a terminal, else on the plain output.</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            if (_bar is not null) context.Console.MarkupLine(Markup.Escape(text));
            else if (Plain is { } plain) Write(plain, text);
        }
    }

    // A new piece of work: its own bar, and its first plain progress line is shown.
    private void Begin(string label)
    {
        _lastPlain = null;
        if (_bar is null) return;
        _task?.StopTask();
        _task = _bar.AddTask(Markup.Escape(label), maxValue: 1);
    }

    private void Advance(RunProgress progress, string status)
    {
        _task ??= _bar!.AddTask(Markup.Escape(status), maxValue: 1);
        _task.MaxValue = Math.Max(1, progress.Steps);
        _task.Value = progress.StepsDone;
        _task.Description = Markup.Escape(status);
    }

    private static void Write(TextWriter writer, string line)
    {
        writer.WriteLine(line);
        writer.Flush();
    }
}

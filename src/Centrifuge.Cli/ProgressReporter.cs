using System.Diagnostics;
using Spectre.Console;

namespace Centrifuge.Cli;

/// <summary>One step of a long task: <see cref="Status"/> labels the bar; <see cref="Line"/>, when set, is the plain line.</summary>
public readonly record struct ProgressUpdate(double Done, double Total, string Status, string? Line = null);

/// <summary>Where progress goes: a bar on a terminal (else plain lines on stdout), plain lines on stderr, or nowhere.</summary>
public enum ProgressMode
{
    Auto,
    StandardError,
    None,
}

/// <summary>
/// The one progress display of the long commands (separate, prepare, train): a Spectre bar on a terminal, plain lines
/// when the output is redirected (at most one per <c>plainInterval</c>, and always the last), nothing when the output
/// must stay machine-readable. Notes printed while a bar runs go above it.
/// </summary>
public sealed class ProgressReporter(CliContext context, ProgressMode mode = ProgressMode.Auto)
{
    private readonly object _gate = new();
    private bool _live;

    private bool Interactive => mode == ProgressMode.Auto && context.Console.Profile.Capabilities.Interactive;
    private TextWriter? Plain => mode switch { ProgressMode.Auto => context.Output, ProgressMode.StandardError => context.Error, _ => null };

    /// <summary>
    /// Runs <paramref name="work"/>, which reports through the callback it is given (null when nothing is shown).
    /// </summary>
    public T Run<T>(string label, Func<Action<ProgressUpdate>?, T> work, TimeSpan plainInterval = default)
    {
        if (Interactive) return RunBar(label, work);
        if (Plain is not { } plain) return work(null);
        var clock = Stopwatch.StartNew();
        TimeSpan? last = null;
        return work(u =>
        {
            if (u.Line is null) return;
            bool end = u.Done >= u.Total;
            if (!end && last is TimeSpan previous && clock.Elapsed - previous < plainInterval) return;
            last = clock.Elapsed;
            Line(u.Line);
        });
    }

    /// <summary>A line of its own (a note, a validation result): above the bar on a terminal, else on the plain output.</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            if (_live) context.Console.MarkupLine(Markup.Escape(text));
            else if (Plain is { } plain)
            {
                plain.WriteLine(text);
                plain.Flush();
            }
        }
    }

    private T RunBar<T>(string label, Func<Action<ProgressUpdate>?, T> work)
    {
        T result = default!;
        context.Console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Markup.Escape(label), maxValue: 1);
                lock (_gate) _live = true;
                try
                {
                    result = work(u =>
                    {
                        task.MaxValue = Math.Max(1, u.Total);
                        task.Value = u.Done;
                        task.Description = Markup.Escape(u.Status);
                    });
                }
                finally
                {
                    lock (_gate) _live = false;
                }
                task.StopTask();
            });
        return result;
    }
}

namespace Centrifuge;

/// <summary>
/// Something a long library run tells its caller as it happens, on the one channel every entry point takes
/// (<see cref="IRunEvents"/>). The root kinds are below; a stage adds its own typed kinds (a training step, a validation,
/// the frames separated so far, one input's outcome), and a front end renders each kind (the CLI's ProgressReporter).
/// </summary>
public abstract record RunEvent;

/// <summary>A line worth reading as it happens: a decision taken, a fallback, a source skipped, a file written.</summary>
public sealed record RunNote(string Text) : RunEvent;

/// <summary>Something the user should know that does not stop the run: a decoder warning, frames lost to damage.</summary>
public sealed record RunWarning(string Text) : RunEvent;

/// <summary>
/// A piece of work of its own begins (one input of a batch, one demo case): the progress after it is its own (a new bar).
/// It ends when the next one begins or the run returns.
/// </summary>
public sealed record WorkStarted(string Label) : RunEvent;

/// <summary>How far the current piece of work has got: <see cref="StepsDone"/> of <see cref="Steps"/> (iterations, frames, videos).</summary>
public abstract record RunProgress : RunEvent
{
    public abstract double StepsDone { get; }
    public abstract double Steps { get; }
    /// <summary>True at the last step (a front end that shows only some steps shows this one).</summary>
    public bool Finished => StepsDone >= Steps;
}

/// <summary>
/// The one progress and log channel of the library: every long entry point (training, preparing a cache, separating,
/// the demo, experiments) reports through it. Called on the thread doing the work, which may be a worker thread (a clip
/// rebuilt by a loader): an implementation serialises what it shows.
/// </summary>
public interface IRunEvents
{
    void Report(RunEvent e);
}

/// <summary>Sinks of <see cref="IRunEvents"/>, and the shorthand the library reports with (a null sink hears nothing).</summary>
public static class RunEvents
{
    /// <summary>A sink that ignores everything.</summary>
    public static IRunEvents None { get; } = new Delegated(_ => { });

    /// <summary>A sink that hands each event to <paramref name="report"/> (tests, and callers that keep a log of their own).</summary>
    public static IRunEvents Of(Action<RunEvent> report) => new Delegated(report);

    /// <summary>Reports <paramref name="e"/> when there is a sink.</summary>
    public static void Send(this IRunEvents? events, RunEvent e) => events?.Report(e);

    public static void Note(this IRunEvents? events, string text) => events?.Report(new RunNote(text));

    public static void Warn(this IRunEvents? events, string text) => events?.Report(new RunWarning(text));

    private sealed class Delegated(Action<RunEvent> report) : IRunEvents
    {
        public void Report(RunEvent e) => report(e);
    }
}

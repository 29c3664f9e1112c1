using Centrifuge.Inference.Output;
using Centrifuge.Inference.Separation;

namespace Centrifuge.Inference.Batch;

/// <summary>
/// The outcome of one input of a batch: its result (exit code <see cref="ExitCodes.CompletedWithLosses"/> when a damaged
/// input lost frames), or the one-line error and exit code that skipped it. Reported on the batch's channel after each input.
/// </summary>
public sealed record SeparationOutcome(string Input, SeparationResult? Result, string? Error, int ExitCode) : RunEvent
{
    /// <summary>Set when the input was not separated because its output folder already holds a complete result (why).</summary>
    public string? Skipped { get; init; }

    public bool Succeeded => Result is not null || Skipped is not null;
}

/// <summary>A batch stopped by <see cref="SeparationJob.Stop"/>: the input it was separating (none between inputs) and the inputs it finished.</summary>
public sealed class SeparationStopped(string? unfinished, int finished, OperationCanceledException inner)
    : OperationCanceledException(inner.Message, inner, inner.CancellationToken)
{
    /// <summary>The input in progress when the stop came: it left no output.</summary>
    public string? Unfinished { get; } = unfinished;

    /// <summary>Inputs finished before the stop (separated, skipped or failed): their outputs stay.</summary>
    public int Finished { get; } = finished;
}

/// <summary>
/// Separates several inputs one after another. A bad input (missing, not a video, damaged, output in the way) is
/// reported and skipped and leaves no folder; the others still complete. Programming errors are not swallowed.
/// </summary>
public static class SeparationBatch
{
    /// <summary>
    /// Runs the whole job: every input (honouring <see cref="SeparationJob.SkipExisting"/> and recording a shard), then
    /// the blend if one is asked for. The outcomes are in that order. On <paramref name="events"/>: a note on why an
    /// input is redone, then for each input separated a <see cref="WorkStarted"/> and its <see cref="SeparationProgress"/>,
    /// and for every input its result's warnings and its <see cref="SeparationOutcome"/>. A <see cref="SeparationJob.Stop"/>
    /// ends it with <see cref="SeparationStopped"/>; the inputs finished before it are kept, the one in progress is not.
    /// </summary>
    public static IReadOnlyList<SeparationOutcome> Run(Separator separator, SeparationJob job, IRunEvents? events = null)
    {
        if (job.Shard is not null && job.Blend is not null)
            throw new OptionException("shard", $"{job.Shard.Index}/{job.Shard.Count}", "splits a list of inputs; it cannot be combined with a blend");
        var outcomes = new List<SeparationOutcome>();
        string? current = null;
        SeparationOutcome Separate(string input, Func<SeparationResult> run)
        {
            current = input;
            events.Send(new WorkStarted(Path.GetFileName(input)));
            return Try(input, run);
        }
        void Finish(SeparationOutcome outcome)
        {
            outcomes.Add(outcome);
            current = null;
            foreach (string warning in outcome.Result?.Warnings ?? []) events.Warn(warning);
            events.Send(outcome);
        }

        try
        {
            var resume = new SeparationResume(job.OutputRoot, job.SkipExisting, separator.Options.Force, job.Shard is not null, separator.Options.Strengths);
            ShardRecord? record = job.Shard is null ? null : ShardRecord.Begin(job.OutputRoot, job.Shard, job.AllInputs ?? job.Inputs, job.Inputs);
            foreach ((string input, SeparationOutcome? refused) in Plan(job.Inputs))
            {
                job.Stop.ThrowIfCancellationRequested();
                ResumeDecision decision = refused is null ? resume.Decide(input) : ResumeDecision.Separate;
                if (decision.Note is not null) events.Note(decision.Note);
                SeparationOutcome outcome = refused ?? decision.Instead ??
                    Separate(input, () => separator.Separate(input, job.OutputRoot, events, decision.Replace, job.Stop));
                // An input cut short by a stop is not an outcome, even when it failed first (a Ctrl-C that reached ffmpeg).
                if (!outcome.Succeeded) job.Stop.ThrowIfCancellationRequested();
                record?.Record(outcome);
                Finish(outcome);
            }
            record?.Finish();
            if (job.Blend is var (a, b, alpha))
            {
                job.Stop.ThrowIfCancellationRequested();
                string name = $"{a}+{b}";
                SeparationOutcome blended = Separate(name, () => separator.SeparateBlend(a, b, alpha, job.OutputRoot, events, job.Stop));
                if (!blended.Succeeded) job.Stop.ThrowIfCancellationRequested();
                Finish(blended);
            }
            return outcomes;
        }
        catch (OperationCanceledException e) when (e is not SeparationStopped && job.Stop.IsCancellationRequested)
        {
            throw new SeparationStopped(current, outcomes.Count, e);
        }
    }

    /// <summary>
    /// The inputs in order, each with a failed outcome when it cannot run: two inputs whose output folders would
    /// have the same name (a/clip.mp4, b/clip.mp4) — the later one is refused rather than replacing the first.
    /// </summary>
    public static IReadOnlyList<(string Input, SeparationOutcome? Refused)> Plan(IReadOnlyList<string> inputs)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var plan = new List<(string, SeparationOutcome?)>();
        foreach (string input in inputs)
        {
            string name = SeparationOutputFolder.NameOf(input);
            if (names.TryGetValue(name, out string? earlier))
            {
                plan.Add((input, new SeparationOutcome(input, null,
                    $"{input}: output folder name '{name}' is already used by {earlier} in this batch (rename one of them)",
                    ExitCodes.InvalidInput)));   // not OutputExists: replacing (--force) would not help
                continue;
            }
            names[name] = input;
            plan.Add((input, null));
        }
        return plan;
    }

    /// <summary>
    /// Runs one separation, turning a <see cref="CentrifugeException"/> or a failed write (a full disk, a folder that
    /// became read-only) into a failed outcome; the input's temporary folder is already gone by then.
    /// </summary>
    public static SeparationOutcome Try(string input, Func<SeparationResult> run)
    {
        try
        {
            SeparationResult result = run();
            return new SeparationOutcome(input, result, null, result.Summary.FramesLost.Any ? ExitCodes.CompletedWithLosses : ExitCodes.Ok);
        }
        catch (CentrifugeException e)
        {
            return new SeparationOutcome(input, null, e.Message, e.ExitCode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = FileErrors.IsDiskFull(e) ? "no space left on device" : e.Message;
            return new SeparationOutcome(input, null, $"{input}: writing the outputs failed: {reason}; nothing was kept", ExitCodes.WriteFailed);
        }
    }

    /// <summary>
    /// The batch's exit code: the single failure's code for one input, PartialFailure when some of several failed,
    /// CompletedWithLosses when all succeeded but a damaged input lost frames, else Ok.
    /// </summary>
    public static int ExitCode(IReadOnlyList<SeparationOutcome> outcomes)
    {
        int failed = outcomes.Count(o => !o.Succeeded);
        if (failed == 0) return outcomes.Any(o => o.ExitCode == ExitCodes.CompletedWithLosses) ? ExitCodes.CompletedWithLosses : ExitCodes.Ok;
        if (outcomes.Count == 1) return outcomes[0].ExitCode;
        return ExitCodes.PartialFailure;
    }
}

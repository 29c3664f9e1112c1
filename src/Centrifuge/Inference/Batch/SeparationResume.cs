using Centrifuge.Inference.Output;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;

namespace Centrifuge.Inference.Batch;

/// <summary>
/// What a batch does with one input before separating it. <see cref="Instead"/>: an outcome to report instead of
/// separating (skipped as already complete, or refused); <see cref="Replace"/>: separate, replacing a partial output
/// folder; <see cref="Note"/>: why, for the log.
/// </summary>
public sealed record ResumeDecision(SeparationOutcome? Instead, bool Replace, string? Note)
{
    public static readonly ResumeDecision Separate = new(null, false, null);
}

/// <summary>
/// `--skip-existing`, for batches that are re-run after a pre-emption or a failure: an input whose output folder holds
/// a complete result (<see cref="FinishedOutput"/>) is skipped and reported as such; one whose folder holds a partial
/// result, or the result of an input that changed since or of another strength than <paramref name="strength"/>, is redone; anything else in the way (another input's result, a folder that is not ours) is refused as
/// without the option, unless --force. Without the option every input is separated and existing folders are refused
/// (or replaced under --force) by the <see cref="Separator"/> itself.
/// </summary>
public sealed class SeparationResume(string outputRoot, bool skipExisting, bool force, bool sharded, StrengthSetting? strength = null)
{
    public ResumeDecision Decide(string input)
    {
        if (sharded && SeparationOutputFolder.NameOf(input) == ShardRecord.FolderName)
            return new(new SeparationOutcome(input, null,
                $"{input}: its output folder name '{ShardRecord.FolderName}' is where the shard records go (rename the file)",
                ExitCodes.OutputExists), false, null);
        if (!skipExisting) return ResumeDecision.Separate;
        FinishedOutputCheck check = FinishedOutput.Inspect(outputRoot, input, strength);
        return check.State switch
        {
            OutputFolderState.Complete => new(new SeparationOutcome(input, null, null, ExitCodes.Ok) { Skipped = $"{check.Folder}: {check.Reason}" }, false, null),
            OutputFolderState.Partial => new(null, true, $"{check.Folder}: partial output ({check.Reason}), separating it again"),
            OutputFolderState.Stale => new(null, true, $"{check.Folder}: {check.Reason}; separating it again"),
            OutputFolderState.Foreign when !force => new(new SeparationOutcome(input, null,
                $"{check.Folder}: {check.Reason}", ExitCodes.OutputExists), false, null),
            _ => ResumeDecision.Separate,
        };
    }
}

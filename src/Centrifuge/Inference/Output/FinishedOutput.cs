using System.Text.Json;
using Centrifuge.Models;

namespace Centrifuge.Inference.Output;

/// <summary>What is in an input's output folder OUTDIR/&lt;name&gt;/ before a `--skip-existing` run decides to skip or redo it.</summary>
public enum OutputFolderState
{
    /// <summary>Nothing there yet.</summary>
    Absent,
    /// <summary>A complete, valid result of this input: keep it.</summary>
    Complete,
    /// <summary>Some of Centrifuge's outputs, but not a complete set (or an unreadable summary.json): redo it.</summary>
    Partial,
    /// <summary>A complete result of this input as it was before it changed (another size or modification time), or at another strength than the run's: redo it.</summary>
    Stale,
    /// <summary>A file, another input's result, or a folder with none of Centrifuge's outputs: never replaced without --force.</summary>
    Foreign,
}

/// <summary>The state of one output folder, with the reason in a few words ("layer-2.mp4 is missing").</summary>
public sealed record FinishedOutputCheck(OutputFolderState State, string Folder, string Reason)
{
    /// <summary>The strength its summary.json says the layers were written at; null when no summary of this input reads.</summary>
    public StrengthSetting? WrittenAt { get; init; }
}

/// <summary>
/// Decides whether an output folder holds a finished result. summary.json is written last, after every layer, the
/// pair, the preview and the contact sheet (and the folder only appears, by rename, once all are written), so a result
/// is complete when summary.json reads, names this input, and every file it implies exists, is not empty and is not
/// newer than summary.json, and the input is the file it was made from (the size and modification time summary.json
/// records).
/// </summary>
public static class FinishedOutput
{
    public const string SummaryFile = "summary.json";

    /// <summary>The files a finished result of n layers holds besides summary.json.</summary>
    public static IEnumerable<string> ExpectedFiles(int layers) =>
        Enumerable.Range(0, layers).Select(SeparationWriter.LayerFile).Concat(["pair-a.mp4", "pair-b.mp4", "preview.mp4", "contact.png"]);

    /// <summary>
    /// The state of <paramref name="input"/>'s output folder under <paramref name="outputRoot"/>; with
    /// <paramref name="strength"/>, a complete result written at another strength is <see cref="OutputFolderState.Stale"/>.
    /// </summary>
    public static FinishedOutputCheck Inspect(string outputRoot, string input, StrengthSetting? strength = null)
    {
        string folder = Path.Combine(Path.GetFullPath(outputRoot), SeparationOutputFolder.NameOf(input));
        if (File.Exists(folder)) return new(OutputFolderState.Foreign, folder, "a file is in the way of the output folder");
        if (!Directory.Exists(folder)) return new(OutputFolderState.Absent, folder, "no output yet");

        string summaryPath = Path.Combine(folder, SummaryFile);
        if (!File.Exists(summaryPath))
        {
            bool ours = Directory.EnumerateFiles(folder).Select(Path.GetFileName)
                .Any(f => f is "preview.mp4" or "contact.png" or "pair-a.mp4" or "pair-b.mp4" || f!.StartsWith("layer-", StringComparison.Ordinal));
            return ours
                ? new(OutputFolderState.Partial, folder, $"{SummaryFile} is missing")
                : new(OutputFolderState.Foreign, folder, "holds no Centrifuge outputs");
        }

        SeparationSummary summary;
        try
        {
            summary = JsonDefaults.Deserialize<SeparationSummary>(File.ReadAllText(summaryPath));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new(OutputFolderState.Partial, folder, $"{SummaryFile} does not read ({e.GetType().Name})");
        }
        if (summary.Input is null || !SameInput(summary.Input, input))
            return new(OutputFolderState.Foreign, folder, $"holds the layers of {summary.Input}, not of {input}");
        if (summary.Layers < 1 || summary.Frames < 1)
            return new(OutputFolderState.Partial, folder, $"{SummaryFile} records {summary.Frames} frames and {summary.Layers} layers");

        if (summary.InputStamp is { } stamp && File.Exists(input) && InputStamp.Of(input) is var now && now != stamp)
            return new(OutputFolderState.Stale, folder,
                $"made from an older {input}: its input changed since ({stamp.Bytes} bytes then, {now.Bytes} now{(now.MtimeMs != stamp.MtimeMs ? ", modified since" : "")})");
        var writtenAt = new StrengthSetting(summary.Strength ?? LayerStrength.Full, summary.AdaptiveStrength);
        if (strength is not null && writtenAt != strength)
            return new(OutputFolderState.Stale, folder, $"its layers were written at strength {writtenAt}, this run's is {strength}") { WrittenAt = writtenAt };

        DateTime written = File.GetLastWriteTimeUtc(summaryPath);
        foreach (string name in ExpectedFiles(summary.Layers))
        {
            var file = new FileInfo(Path.Combine(folder, name));
            if (!file.Exists) return new(OutputFolderState.Partial, folder, $"{name} is missing") { WrittenAt = writtenAt };
            if (file.Length == 0) return new(OutputFolderState.Partial, folder, $"{name} is empty") { WrittenAt = writtenAt };
            if (file.LastWriteTimeUtc > written) return new(OutputFolderState.Partial, folder, $"{name} is newer than {SummaryFile}") { WrittenAt = writtenAt };
        }
        return new(OutputFolderState.Complete, folder, $"complete ({summary.Frames} frames, {summary.Layers} layers)") { WrittenAt = writtenAt };
    }

    // The same input: the same text, or the same file once both are made absolute from the current folder.
    private static bool SameInput(string recorded, string input) =>
        recorded == input || string.Equals(Path.GetFullPath(recorded), Path.GetFullPath(input), StringComparison.Ordinal);
}

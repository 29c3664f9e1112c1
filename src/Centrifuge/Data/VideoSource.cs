namespace Centrifuge.Data;

/// <summary>What a source is decoded as: a video file, a folder of numbered frame images, or one still photo.</summary>
public enum SourceKind { Video, FrameFolder, Photo }

/// <summary>
/// One training source: a video file (optionally a time window of it), a folder of numbered frames, or a photo.
/// <see cref="Group"/> is the split key: sources of one group (e.g. one clip in several containers) never straddle
/// training and validation. <see cref="Split"/> is set when the source list itself names the split.
/// </summary>
public sealed record VideoSource(string Path, string Label, string Group, SourceKind Kind = SourceKind.Video)
{
    public double? StartSeconds { get; init; }
    public double? EndSeconds { get; init; }
    /// <summary>"train" or "val" when the source list fixes it (Kinetics CSV, sample manifest); null otherwise.</summary>
    public string? Split { get; init; }
    /// <summary>For a frame folder: the frame files in order.</summary>
    public IReadOnlyList<string>? FrameFiles { get; init; }

    /// <summary>A stable id: the path, plus the time window when there is one.</summary>
    public string Id => StartSeconds is null && EndSeconds is null
        ? Path
        : FormattableString.Invariant($"{Path}#{StartSeconds ?? 0:0.###}-{EndSeconds?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) ?? "end"}");
}

/// <summary>A source that could not be used, and why (missing, unreadable, too short).</summary>
public sealed record SkippedSource(string Path, string Reason);

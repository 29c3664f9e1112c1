namespace Centrifuge.Data;

/// <summary>One cached video: where it came from (with the size and mtime it had), its decoded shape and its data file.</summary>
public sealed record CacheEntry
{
    public required string Id { get; init; }
    public required string Path { get; init; }
    public SourceKind Kind { get; init; }
    public string Label { get; init; } = "";
    public string Group { get; init; } = "";
    public string? Split { get; init; }
    public double? StartSeconds { get; init; }
    public double? EndSeconds { get; init; }
    public IReadOnlyList<string>? FrameFiles { get; init; }
    /// <summary>Size in bytes and last-write time (unix ms) of the source when it was decoded.</summary>
    public long SourceBytes { get; init; }
    public long SourceMtime { get; init; }
    public int Frames { get; init; }
    public int Height { get; init; }
    public int Width { get; init; }
    public double Fps { get; init; }
    /// <summary>The data file, relative to the cache folder: uint8 RGB [Frames, Height, Width, 3], no header.</summary>
    public required string File { get; init; }
    public long Bytes { get; init; }
    /// <summary>SHA-256 of the data file, lowercase hex.</summary>
    public required string Checksum { get; init; }
    /// <summary>Frames of a damaged source that could not be decoded (the cache holds the rest; a count or "unknown"), and why.</summary>
    public FrameLoss FramesLost { get; init; }
    public string? Damage { get; init; }

    public VideoSource ToSource() => new(Path, Label, Group, Kind)
    {
        StartSeconds = StartSeconds, EndSeconds = EndSeconds, Split = Split, FrameFiles = FrameFiles,
    };

    public StoredVideo ToStored() => new(ToSource(), Frames, Height, Width, Fps) { FramesLost = FramesLost, Damage = Damage };
}

/// <summary>index.json of a decoded-clip cache.</summary>
public sealed record CacheIndex
{
    public const int CurrentVersion = 1;
    public int Version { get; init; } = CurrentVersion;
    /// <summary>Short side videos are stored at; photos are stored at <see cref="PhotoShortSide"/>.</summary>
    public int ShortSide { get; init; }
    public int PhotoShortSide { get; init; }
    public IReadOnlyList<CacheEntry> Entries { get; init; } = [];
    public IReadOnlyList<SkippedSource> Skipped { get; init; } = [];
}

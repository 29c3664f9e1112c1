using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Centrifuge.Data;

/// <summary>Options of `centrifuge prepare`.</summary>
public sealed record PrepareOptions
{
    /// <summary>Short side videos are decoded at (1.15 x the training crop, e.g. 129 for 112 x 112).</summary>
    public int ShortSide { get; init; } = 129;
    /// <summary>Short side photos are decoded at (larger, so camera-motion zooms stay sharp); 0 = 1.5 x ShortSide.</summary>
    public int PhotoShortSide { get; init; }
    /// <summary>Videos with fewer decoded frames are skipped as too short.</summary>
    public int MinFrames { get; init; } = 8;
    /// <summary>Recompute the checksum of entries that look valid (size and source stamp), to catch damaged data.</summary>
    public bool VerifyChecksums { get; init; } = true;

    public int EffectivePhotoShortSide => PhotoShortSide > 0 ? PhotoShortSide : (int)Math.Ceiling(1.5 * ShortSide);
}

/// <summary>One step of preparing: the source just finished and how it went ("cached", "decoded", "rebuilt", "skipped: why").</summary>
public sealed record PrepareProgress(int Done, int Total, string Path, string Outcome) : RunProgress
{
    public override double StepsDone => Done;
    public override double Steps => Total;
    /// <summary>The source was already in the cache: nothing was decoded.</summary>
    public bool Reused => Outcome == Cached;

    public const string Cached = "cached";
}

/// <summary>What `prepare` did: counts, the skipped sources with reasons, and the cache size.</summary>
public sealed record PrepareReport(
    string Cache, int ShortSide, int Sources, int Decoded, int Reused, int Rebuilt, int Skipped,
    long CacheBytes, long CachedFrames, double Seconds, IReadOnlyList<SkippedSource> SkippedSources)
{
    /// <summary>Cached sources that are damaged: what decoded is cached, the reason says what was lost.</summary>
    public IReadOnlyList<SkippedSource> DamagedSources { get; init; } = [];
    /// <summary>Frames the damaged sources lost, in total (any, or unknown: `prepare` exits with CompletedWithLosses).</summary>
    public FrameLoss FramesLost { get; init; }
}

/// <summary>
/// Builds or refreshes a <see cref="ClipCache"/>: decodes each source once at the requested short side into its own
/// file (temp + rename), reuses entries whose source is unchanged and whose data checks out, rebuilds damaged ones,
/// and lists sources it could not use. Nothing a single source does is fatal. One process at a time writes a folder:
/// every call holds its lock (<see cref="LockFile"/>), so two trainings, a `prepare` and an evaluation sharing a cache
/// never decode into it at once (the clean-up of one would delete the other's half-written entries); readers need no
/// lock, since the index and every data file are replaced whole.
/// </summary>
public static class ClipCacheBuilder
{
    /// <summary>The lock file in the cache folder, held while a process prepares it.</summary>
    public const string LockFile = ".prepare.lock";

    // How long a prepare waits for another process preparing the same folder before giving up.
    private static readonly TimeSpan LockTimeout = TimeSpan.FromHours(1);

    /// <param name="events">told of each source as it is done (<see cref="PrepareProgress"/>), and of a wait for another
    /// process preparing the folder (a note)</param>
    public static PrepareReport Prepare(SourceList sources, string folder, PrepareOptions options, ISourceDecoder decoder,
        IRunEvents? events = null)
    {
        Directory.CreateDirectory(Path.Combine(folder, ClipCache.ClipsFolder));
        using FileStream gate = Lock(folder, events);
        return PrepareLocked(sources, folder, options, decoder, events);
    }

    private static FileStream Lock(string folder, IRunEvents? events)
    {
        string path = Path.Combine(folder, LockFile);
        try
        {
            return FileLock.Acquire(path, () => events.Note($"{folder}: another process is preparing this clip cache; waiting for it"),
                LockTimeout);
        }
        catch (TimeoutException e)
        {
            throw new CentrifugeException($"{path}: clip cache still locked by another process ({e.Message}); use another cache folder",
                ExitCodes.Environment, e);
        }
    }

    private static PrepareReport PrepareLocked(SourceList sources, string folder, PrepareOptions options, ISourceDecoder decoder,
        IRunEvents? events)
    {
        var clock = Stopwatch.StartNew();
        CacheIndex? previous = ClipCache.ReadIndex(folder);
        if (previous is not null && previous.ShortSide != options.ShortSide)
            throw new CentrifugeException(
                $"{folder}: cache holds short side {previous.ShortSide}, asked for {options.ShortSide}", ExitCodes.IncompatibleModel)
                { Remedy = Remedy.OtherCacheFolder };
        var old = (previous?.Entries ?? []).ToDictionary(e => e.Id, StringComparer.Ordinal);

        var entries = new List<CacheEntry>();
        var skipped = new List<SkippedSource>(sources.Skipped);
        int decoded = 0, reused = 0, rebuilt = 0, done = 0;
        var lastIndexWrite = Stopwatch.StartNew();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        foreach (VideoSource source in sources.Sources)
        {
            string outcome;
            SourceStamp stamp = SourceStamp.Of(source);
            bool had = old.TryGetValue(source.Id, out CacheEntry? existing);
            if (had && existing!.SourceBytes == stamp.Bytes && existing.SourceMtime == stamp.MtimeMs
                && (options.VerifyChecksums ? ClipCache.Verify(folder, existing) : ClipCache.HasExpectedSize(folder, existing)))
            {
                entries.Add(existing);
                reused++;
                outcome = PrepareProgress.Cached;
            }
            else
            {
                try
                {
                    int shortSide = source.Kind == SourceKind.Photo ? options.EffectivePhotoShortSide : options.ShortSide;
                    int minFrames = source.Kind == SourceKind.Photo ? 1 : options.MinFrames;
                    entries.Add(Decode(source, stamp, folder, shortSide, minFrames, decoder));
                    if (had) { rebuilt++; outcome = "rebuilt"; } else { decoded++; outcome = "decoded"; }
                }
                catch (CentrifugeException e)
                {
                    // The report names the source beside its reason: the reason need not name it again.
                    string reason = e.Message.StartsWith(source.Path + ": ", StringComparison.Ordinal) ? e.Message[(source.Path.Length + 2)..] : e.Message;
                    skipped.Add(new SkippedSource(source.Id, reason));
                    outcome = "skipped: " + reason;
                }
            }
            events.Send(new PrepareProgress(++done, sources.Sources.Count, source.Id, outcome));
            visited.Add(source.Id);
            if (lastIndexWrite.Elapsed.TotalSeconds > 10)
            {
                // An interrupted run keeps what it decoded and what earlier runs left that it has not reached yet.
                WriteIndex(folder, options, entries.Concat(old.Values.Where(e => !visited.Contains(e.Id))).ToList(), skipped);
                lastIndexWrite.Restart();
            }
        }
        // Entries of sources not named this time stay (one cache can serve several source lists).
        entries.AddRange(old.Values.Where(e => !visited.Contains(e.Id) && ClipCache.HasExpectedSize(folder, e)));
        WriteIndex(folder, options, entries, skipped);
        RemoveOrphans(folder, entries);
        var damaged = entries.Where(e => e.Damage is not null && visited.Contains(e.Id)).ToList();
        return new PrepareReport(Path.GetFullPath(folder), options.ShortSide, sources.Sources.Count, decoded, reused, rebuilt,
            skipped.Count, entries.Sum(e => e.Bytes), entries.Sum(e => (long)e.Frames), clock.Elapsed.TotalSeconds, skipped)
        {
            DamagedSources = damaged.Select(e => new SkippedSource(e.Path, e.Damage!)).ToList(),
            FramesLost = FrameLoss.Sum(damaged.Select(e => e.FramesLost)),
        };
    }

    /// <summary>
    /// Rebuilds the data file of an entry that failed its checksum when it was read (<see cref="ClipCache"/> checks each
    /// clip once per process), as prepare would: under the folder's lock, decoded again from its source if the source
    /// is unchanged, and the index updated. Returns the new entry; a source that is gone or changed is an error naming
    /// it (prepare would skip it, but a running training cannot drop a clip it has sampled).
    /// </summary>
    public static CacheEntry Rebuild(string folder, CacheEntry damaged, ISourceDecoder decoder, IRunEvents? events = null)
    {
        using FileStream gate = Lock(folder, events);
        CacheIndex index = ClipCache.ReadIndex(folder)
            ?? throw new CentrifugeException($"{folder}: the clip cache's {ClipCache.IndexFile} is gone", ExitCodes.MissingInput);
        if (index.Entries.FirstOrDefault(e => e.Id == damaged.Id) is { } current && ClipCache.Verify(folder, current))
            return current;   // another process rebuilt it meanwhile
        VideoSource source = damaged.ToSource();
        SourceStamp stamp = SourceStamp.Of(source);
        if (stamp.Bytes != damaged.SourceBytes || stamp.MtimeMs != damaged.SourceMtime)
            throw new CentrifugeException(
                $"{damaged.Path}: its cached clip {Path.Combine(folder, damaged.File)} is damaged (checksum mismatch) and the video " +
                $"{(stamp.Bytes < 0 ? "is gone" : "changed since it was cached")}; run `centrifuge prepare` on the cache {folder}", ExitCodes.InvalidInput);
        int shortSide = source.Kind == SourceKind.Photo ? index.PhotoShortSide : index.ShortSide;
        CacheEntry rebuilt = Decode(source, stamp, folder, shortSide, minFrames: 1, decoder);
        var entries = index.Entries.Select(e => e.Id == damaged.Id ? rebuilt : e).ToList();
        AtomicFile.WriteText(Path.Combine(folder, ClipCache.IndexFile), JsonDefaults.Serialize(index with { Entries = entries }));
        return rebuilt;
    }

    /// <summary>The data file name of a source: a hash of its id, so renames of the cache folder keep working.</summary>
    public static string DataFileName(VideoSource source) =>
        Path.Combine(ClipCache.ClipsFolder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source.Id)))[..24] + ".u8");

    private static CacheEntry Decode(VideoSource source, SourceStamp stamp, string folder, int shortSide, int minFrames, ISourceDecoder decoder)
    {
        if (stamp.Bytes < 0) throw new CentrifugeException($"{source.Path}: no such file", ExitCodes.MissingInput);
        string relative = DataFileName(source);
        string final = Path.Combine(folder, relative);
        int frames = 0, width = 0, height = 0;
        FrameLoss lost = FrameLoss.None;
        double fps = 0;
        string? damage = null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AtomicFile.Write(final, stream =>
        {
            using (IDecodedFrames video = decoder.Open(source, shortSide))
            {
                width = video.Width;
                height = video.Height;
                fps = video.Fps;
                long frameBytes = (long)width * height * 3;
                foreach (ReadOnlyMemory<byte> chunk in video.Chunks(16))
                {
                    stream.Write(chunk.Span);
                    hash.AppendData(chunk.Span);
                    frames += (int)(chunk.Length / frameBytes);
                }
                (damage, lost) = (video.Damage, video.FramesLost);
            }
            if (frames < minFrames)
                throw new CentrifugeException(frames == 0 ? $"{source.Path}: no frames decoded" : $"{source.Path}: too short ({frames} frames, need {minFrames})", ExitCodes.DecodeFailed);
        });
        return new CacheEntry
        {
            Id = source.Id, Path = source.Path, Kind = source.Kind, Label = source.Label, Group = source.Group, Split = source.Split,
            StartSeconds = source.StartSeconds, EndSeconds = source.EndSeconds, FrameFiles = source.FrameFiles,
            SourceBytes = stamp.Bytes, SourceMtime = stamp.MtimeMs,
            Frames = frames, Height = height, Width = width, Fps = fps,
            File = relative, Bytes = (long)frames * width * height * 3, Checksum = Convert.ToHexStringLower(hash.GetHashAndReset()),
            FramesLost = lost, Damage = damage,
        };
    }

    private static void WriteIndex(string folder, PrepareOptions options, List<CacheEntry> entries, List<SkippedSource> skipped)
    {
        var index = new CacheIndex
        {
            ShortSide = options.ShortSide, PhotoShortSide = options.EffectivePhotoShortSide,
            Entries = entries.ToList(), Skipped = skipped.ToList(),
        };
        AtomicFile.WriteText(Path.Combine(folder, ClipCache.IndexFile), JsonDefaults.Serialize(index));
    }

    // Data files no entry names any more (sources removed, or left by an interrupted run).
    private static void RemoveOrphans(string folder, List<CacheEntry> entries)
    {
        var keep = entries.Select(e => Path.GetFullPath(Path.Combine(folder, e.File))).ToHashSet(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(folder, ClipCache.ClipsFolder)))
            if (!keep.Contains(Path.GetFullPath(file)) && (file.EndsWith(".u8", StringComparison.Ordinal) || AtomicFile.IsTemp(file) || file.EndsWith(".tmp", StringComparison.Ordinal)))
                File.Delete(file);
    }
}

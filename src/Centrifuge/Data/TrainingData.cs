namespace Centrifuge.Data;

/// <summary>
/// The training and validation clip pools of a <see cref="DataConfig"/>: sources discovered (or taken from the
/// cache's index), split by source video, served from the decoded-clip cache or straight from the files.
/// </summary>
public sealed class TrainingData : IDisposable
{
    public IFrameStore Store { get; }
    public DataSplit Split { get; }
    public ClipPool Train { get; }
    public ClipPool Validation { get; }
    /// <summary>Sources that were named but are not used: missing, not in the cache, too short.</summary>
    public IReadOnlyList<SkippedSource> Skipped { get; }
    /// <summary>Sources in use that are damaged: their decodable frames are used, <see cref="StoredVideo.FramesLost"/> were not.</summary>
    public IReadOnlyList<StoredVideo> Damaged { get; private init; } = [];

    private TrainingData(IFrameStore store, DataSplit split, ClipPool train, ClipPool validation, IReadOnlyList<SkippedSource> skipped)
    {
        Store = store;
        Split = split;
        Train = train;
        Validation = validation;
        Skipped = skipped;
    }

    /// <summary>Opens the cache named by <see cref="DataConfig.Cache"/>, or decodes the sources' files with ffmpeg.</summary>
    /// <param name="events">told of each cached clip found damaged when read, and rebuilt</param>
    public static TrainingData Open(DataConfig config, IRunEvents? events = null) => Open(config, VideoSourceDecoder.Instance, events);

    /// <summary>
    /// Opens the cache named by <see cref="DataConfig.Cache"/>, or decodes the sources' files with <paramref name="decoder"/>
    /// (which also rebuilds a cached clip found damaged when it is read).
    /// </summary>
    public static TrainingData Open(DataConfig config, ISourceDecoder decoder, IRunEvents? events = null)
    {
        config.Validate();
        if (config.Cache is null) return FromSources(config, decoder);
        var cache = ClipCache.Open(config.Cache, decoder, events);
        if (cache.Index.ShortSide < config.StoredShortSide)
        {
            cache.Dispose();
            throw new CentrifugeException(
                $"{config.Cache}: cached at short side {cache.Index.ShortSide}, but {config.Height}x{config.Width} crops" +
                (config.StoredShortSide > config.ShortSide ? $" with cache_short_side {config.StoredShortSide}" : "") +
                $" need {config.StoredShortSide}", ExitCodes.IncompatibleModel)
            { Remedy = Remedy.PrepareCacheAtShortSide, RemedyDetail = config.StoredShortSide.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
        if (config.Sources.Count == 0) return FromStore(cache, config, cache.Index.Skipped);
        // Use only the named sources, each found in the cache with an unchanged stamp.
        SourceList found = SourceCatalog.Discover(config);
        var skipped = new List<SkippedSource>(found.Skipped);
        var use = new List<int>();
        foreach (VideoSource s in found.Sources)
        {
            int i = cache.Find(s);
            if (i < 0)
                // prepare records why it skipped a source (empty, not a video, too short): that is the reason to give.
                skipped.Add(cache.Index.Skipped.FirstOrDefault(k => k.Path == s.Id)
                            ?? new SkippedSource(s.Id, $"not in the cache {config.Cache} (run centrifuge prepare)"));
            else if (SourceStamp.Of(s) is var stamp && (stamp.Bytes != cache.Entries[i].SourceBytes || stamp.MtimeMs != cache.Entries[i].SourceMtime))
                skipped.Add(new SkippedSource(s.Id, "changed since it was cached (run centrifuge prepare)"));
            else use.Add(i);
        }
        return FromStore(cache, config, skipped, use);
    }

    /// <summary>Splits the store's videos (those at <paramref name="indices"/>, or all) and builds the two pools.</summary>
    public static TrainingData FromStore(IFrameStore store, DataConfig config, IEnumerable<SkippedSource>? skipped = null, IEnumerable<int>? indices = null)
    {
        int[] use = (indices ?? Enumerable.Range(0, store.Videos.Count)).ToArray();
        var sources = use.Select(i => store.Videos[i].Source).ToList();
        DataSplit split = DataSplit.Create(sources, config.ValidationFraction, config.Seed);
        var valIds = split.Validation.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var train = new ClipPool(store, config.Frames, use.Where(i => !valIds.Contains(store.Videos[i].Source.Id)));
        var validation = new ClipPool(store, config.Frames, use.Where(i => valIds.Contains(store.Videos[i].Source.Id)));
        var all = (skipped ?? []).Concat(train.Skipped).Concat(validation.Skipped).ToList();
        return new TrainingData(store, split, train, validation, all)
        {
            Damaged = use.Select(i => store.Videos[i]).Where(v => v.Damage is not null).ToList(),
        };
    }

    private static TrainingData FromSources(DataConfig config, ISourceDecoder decoder)
    {
        SourceList found = SourceCatalog.Discover(config);
        var store = VideoFileStore.Open(found.Sources, config, decoder);
        return FromStore(store, config, found.Skipped.Concat(store.Skipped));
    }

    public void Dispose() => Store.Dispose();
}

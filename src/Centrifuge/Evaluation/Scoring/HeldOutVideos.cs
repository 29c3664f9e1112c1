using Centrifuge.Data;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// Every usable video of a source the model never saw (a folder, list, CSV or manifest), as one clip pool for
/// deterministic evaluation pairs. Unreadable, missing or too-short videos are skipped and listed, never fatal.
/// </summary>
public sealed class HeldOutVideos : IDisposable
{
    private readonly IFrameStore _store;
    private string? _temporary;

    public ClipPool Pool { get; }
    /// <summary>Clip size and blending of the evaluation pairs (a = 0.5, k = 2 unless changed).</summary>
    public DataConfig Config { get; }
    public IReadOnlyList<SkippedSource> Skipped { get; }

    private HeldOutVideos(IFrameStore store, ClipPool pool, DataConfig config, IReadOnlyList<SkippedSource> skipped)
    {
        _store = store;
        Pool = pool;
        Config = config;
        Skipped = skipped;
    }

    /// <summary>
    /// Discovers the sources in <paramref name="config"/> and decodes each once into a clip cache at the clip's short
    /// side — in <paramref name="cache"/> (kept, reused next time) or in a temporary folder deleted at dispose. The
    /// cache counts the frames that really decode, so a container that over-reports its length cannot break a pair.
    /// </summary>
    public static HeldOutVideos Open(DataConfig config, ISourceDecoder decoder, string? cache = null, IRunEvents? events = null)
    {
        config.Validate();
        SourceList found = SourceCatalog.Discover(config);
        string folder = cache ?? Directory.CreateTempSubdirectory("centrifuge-evaluate-").FullName;
        try
        {
            PrepareReport report = ClipCacheBuilder.Prepare(found, folder, new PrepareOptions { ShortSide = config.ShortSide }, decoder, events);
            var store = ClipCache.Open(folder, checkOnRead: false);   // the prepare above verified every checksum
            // Only the named sources: a reused cache may hold other videos too.
            var named = found.Sources.Select(v => v.Id).ToHashSet(StringComparer.Ordinal);
            var pool = new ClipPool(store, config.Frames, Enumerable.Range(0, store.Videos.Count).Where(i => named.Contains(store.Videos[i].Source.Id)));
            var skipped = report.SkippedSources.Concat(pool.Skipped).ToList();
            return new HeldOutVideos(store, pool, config, skipped) { _temporary = cache is null ? folder : null };
        }
        catch
        {
            if (cache is null) Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// <paramref name="pairs"/> blended samples (no flip, the config's fixed alpha; centred clips and crops, or spread
    /// over each video by <paramref name="placement"/>), every choice derived from <paramref name="seed"/>;
    /// <paramref name="recipe"/> may fix the layer kinds (default: k moving clips).
    /// </summary>
    public ValidationSet Pairs(int pairs, long seed, BlendRecipe? recipe = null, DataConfig? config = null,
        ClipPlacement placement = ClipPlacement.Centred)
    {
        DataConfig c = config ?? Config;
        BlendRecipe r = recipe ?? BlendRecipe.Evaluation with { Kinds = Enumerable.Repeat(LayerKind.Moving, c.Layers).ToList() };
        return ValidationSet.Create(Pool, c, pairs, seed, r with { Placement = placement });
    }

    public void Dispose()
    {
        _store.Dispose();
        if (_temporary is not null)
            try { Directory.Delete(_temporary, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

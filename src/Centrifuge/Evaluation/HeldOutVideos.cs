using Centrifuge.Data;

namespace Centrifuge.Evaluation;

/// <summary>
/// Every usable video of a source the model never saw (a folder, list, CSV or manifest), as one clip pool for
/// deterministic evaluation pairs. Unreadable, missing or too-short videos are skipped and listed, never fatal.
/// </summary>
public sealed class HeldOutVideos : IDisposable
{
    private readonly IFrameStore _store;

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

    /// <summary>Discovers and probes the sources in <paramref name="config"/>; clips are T x H x W of the config.</summary>
    public static HeldOutVideos Open(DataConfig config, ISourceDecoder decoder)
    {
        config.Validate();
        SourceList found = SourceCatalog.Discover(config);
        var store = VideoFileStore.Open(found.Sources, config, decoder);
        var pool = new ClipPool(store, config.Frames);
        var skipped = found.Skipped.Concat(store.Skipped).Concat(pool.Skipped).ToList();
        return new HeldOutVideos(store, pool, config, skipped);
    }

    /// <summary>
    /// <paramref name="pairs"/> blended samples (centre crops, centred clips, no flip, the config's fixed alpha),
    /// every choice derived from <paramref name="seed"/>; <paramref name="recipe"/> may fix the layer kinds (default: k moving clips).
    /// </summary>
    public ValidationSet Pairs(int pairs, long seed, BlendRecipe? recipe = null, DataConfig? config = null)
    {
        DataConfig c = config ?? Config;
        BlendRecipe r = recipe ?? BlendRecipe.Evaluation with { Kinds = Enumerable.Repeat(LayerKind.Moving, c.Layers).ToList() };
        return ValidationSet.Create(Pool, c, pairs, seed, r);
    }

    public void Dispose() => _store.Dispose();
}

namespace Centrifuge.Data;

/// <summary>
/// A fixed validation set: N blended samples from the validation split with centre crops, centred clips, no flip and
/// the fixed alpha, every choice derived from a seed — the same pairs for every run, every model, every evaluation.
/// </summary>
public sealed class ValidationSet
{
    private readonly ClipPool _pool;
    private readonly DataConfig _config;

    public IReadOnlyList<SamplePlan> Plans { get; }
    public int Count => Plans.Count;
    public long Seed { get; }

    private ValidationSet(ClipPool pool, DataConfig config, IReadOnlyList<SamplePlan> plans, long seed)
    {
        _pool = pool;
        _config = config;
        Plans = plans;
        Seed = seed;
    }

    /// <summary>The validation pool of <paramref name="data"/>, <paramref name="pairs"/> samples.</summary>
    public static ValidationSet Create(TrainingData data, DataConfig config, int pairs, long seed, BlendRecipe? recipe = null) =>
        Create(data.Validation, config, pairs, seed, recipe);

    /// <summary><paramref name="pairs"/> evaluation-mode samples from <paramref name="pool"/> (recipe: e.g. fixed layer kinds).</summary>
    public static ValidationSet Create(ClipPool pool, DataConfig config, int pairs, long seed, BlendRecipe? recipe = null)
    {
        config.Validate();
        pool.EnsureUsable("validation data");
        BlendRecipe r = (recipe ?? BlendRecipe.Evaluation) with { Training = false };
        var plans = Enumerable.Range(0, pairs).Select(p => BlendComposer.Plan(pool, config, r, seed, -1, p)).ToList();
        return new ValidationSet(pool, config, plans, seed);
    }

    /// <summary>
    /// <paramref name="pairs"/> evaluation-mode blends of real videos only (every layer a moving clip) from
    /// <paramref name="pool"/>, each pair of two distinct videos; null when the pool has fewer than two distinct videos.
    /// </summary>
    public static ValidationSet? RealVideos(ClipPool pool, DataConfig config, int pairs, long seed)
    {
        if (pool.Moving.Select(i => pool.Store.Videos[i].Source.Group).Distinct(StringComparer.Ordinal).Count() < config.Layers) return null;
        var recipe = BlendRecipe.Evaluation with { Kinds = Enumerable.Repeat(LayerKind.Moving, config.Layers).ToArray() };
        return Create(pool, config, pairs, seed, recipe);
    }

    /// <summary>Samples [start, start + count) as one batch. The caller disposes it.</summary>
    public BlendedBatch Batch(int start, int count) =>
        LayerRenderer.Render(_pool, _config, Plans.Skip(start).Take(count).ToList());

    /// <summary>The whole set in batches of <paramref name="batchSize"/> (the last may be smaller); dispose each.</summary>
    public IEnumerable<BlendedBatch> Batches(int batchSize)
    {
        for (int start = 0; start < Count; start += batchSize)
            yield return Batch(start, Math.Min(batchSize, Count - start));
    }
}

namespace Centrifuge.Data;

/// <summary>
/// A fixed validation set: N blended samples from the validation split with centre crops and centred clips (or spread
/// over each video, <see cref="BlendRecipe.Placement"/>), no flip and the fixed alpha, every choice derived from a seed — the same pairs for every run, every model, every evaluation.
/// A sample never blends a video with itself (identity loss 0 says nothing); draws that would are passed over.
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
        BlendRecipe r = (recipe ?? BlendRecipe.Evaluation) with { Training = false };   // keeps the recipe's placement
        int sources = r.Kinds?.Count(k => k is not (LayerKind.Colour or LayerKind.Procedural)) ?? config.Layers;
        if (WhyNot(pool, sources) is { } why) throw new CentrifugeException($"validation data: {why}", ExitCodes.InvalidInput);
        var plans = new List<SamplePlan>(pairs);
        for (long p = 0; plans.Count < pairs && p < 4L * pairs + 16; p++)
            if (BlendComposer.Plan(pool, config, r, seed, -1, p) is var plan && !BlendsASourceWithItself(pool, plan)) plans.Add(plan);
        return new ValidationSet(pool, config, plans, seed);
    }

    /// <summary>
    /// <paramref name="pairs"/> evaluation-mode blends of real videos only (every layer a moving clip) from
    /// <paramref name="pool"/>, each pair of two distinct videos; null when the pool has fewer than two distinct videos.
    /// </summary>
    public static ValidationSet? RealVideos(ClipPool pool, DataConfig config, int pairs, long seed, ClipPlacement placement = ClipPlacement.Centred)
    {
        if (pool.Moving.Select(i => pool.Store.Videos[i].Source.Group).Distinct(StringComparer.Ordinal).Count() < config.Layers) return null;
        var recipe = BlendRecipe.Evaluation with { Kinds = Enumerable.Repeat(LayerKind.Moving, config.Layers).ToArray(), Placement = placement };
        return Create(pool, config, pairs, seed, recipe);
    }

    /// <summary>
    /// Why <paramref name="pool"/> cannot make a sample of <paramref name="sources"/> videos without blending a video with
    /// itself, or null when it can.
    /// </summary>
    public static string? WhyNot(ClipPool pool, int sources = 2)
    {
        string[] groups = pool.Moving.Concat(pool.Photos).Select(i => pool.Store.Videos[i].Source.Group).Distinct(StringComparer.Ordinal).ToArray();
        return groups.Length >= sources ? null
            : $"{groups.Length} usable source video{(groups.Length == 1 ? $" ({groups[0]})" : "s")}; a blend " +
              (sources == 2 ? "needs two different ones" : $"of {sources} needs {sources} different ones");
    }

    private static bool BlendsASourceWithItself(ClipPool pool, SamplePlan plan)
    {
        var groups = plan.Layers.Where(l => l.HasSource).Select(l => pool.Store.Videos[l.Video].Source.Group).ToList();
        return groups.Distinct(StringComparer.Ordinal).Count() < groups.Count;
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

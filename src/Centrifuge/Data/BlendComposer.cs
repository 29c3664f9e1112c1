using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>
/// Builds blended samples: first a <see cref="SamplePlan"/> from RNG streams derived from (seed, key, purpose) —
/// so a sample is a pure function of its key, whatever thread builds it — then renders plans into a batch.
/// </summary>
public static class BlendComposer
{
    private const long WeightStream = 1, PickStream = 2, FlipStream = 3, ReflectionStream = 4, LayerStream = 100, AppearanceStream = 200;

    /// <summary>Plans and renders the samples with the given keys (training: (iteration, b); validation: (-1, pair)).</summary>
    public static BlendedBatch Compose(ClipPool pool, DataConfig config, BlendRecipe recipe, long seed, IReadOnlyList<(long A, long B)> keys)
    {
        var plans = keys.Select(k => Plan(pool, config, recipe, seed, k.A, k.B)).ToList();
        return LayerRenderer.Render(pool, config, plans);
    }

    /// <summary>Every random choice of one sample.</summary>
    public static SamplePlan Plan(ClipPool pool, DataConfig config, BlendRecipe recipe, long seed, long keyA, long keyB)
    {
        bool random = recipe.Training;
        int k = config.Layers;
        SplitMix64 weightRng = SplitMix64.Derive(seed, keyA, keyB, WeightStream);
        double[] weights = LayerWeights.Sample(config, random, ref weightRng);
        SplitMix64 flipRng = SplitMix64.Derive(seed, keyA, keyB, FlipStream);
        bool flip = random && flipRng.Chance(config.FlipProbability);

        SplitMix64 pick = SplitMix64.Derive(seed, keyA, keyB, PickStream);
        var layers = new List<LayerPlan>(k);
        var usedGroups = new HashSet<string>(StringComparer.Ordinal);
        string? label = null;
        for (int j = 0; j < k; j++)
        {
            LayerKind kind = recipe.Kinds?[j] ?? DrawKind(pool, config, j, ref pick);
            SplitMix64 rng = SplitMix64.Derive(seed, keyA, keyB, LayerStream + j);
            LayerPlan layer = kind switch
            {
                LayerKind.Colour => PlanColour(config, recipe, ref rng),
                LayerKind.Photo => PlanPhoto(pool, config, random, Pick(pool, pool.Photos, null, usedGroups, ref pick), ref rng),
                LayerKind.Procedural => ProceduralScene.Plan(config, random, ref rng),
                LayerKind.Composite => PlanComposite(pool, config, random, Pick(pool, pool.Photos, null, usedGroups, ref pick), usedGroups, ref pick, ref rng),
                _ => PlanMoving(pool, config, kind, recipe, Pick(pool, pool.Moving, config.Pairing == Pairing.SameClass ? label : null, usedGroups, ref pick), ref rng),
            };
            if (kind != LayerKind.Colour && random && config.Appearance.Any)
            {
                // Its own stream: turning appearance keys on changes no frame, crop or flip of the sample.
                SplitMix64 look = SplitMix64.Derive(seed, keyA, keyB, AppearanceStream + j);
                (LayerAugment augment, JitterFactors jitter) = AugmentationPipeline.Sample(config.Appearance, layer.Jitter, ref look);
                layer = layer with { Augment = augment, Jitter = jitter };
            }
            if (layer.HasSource)
            {
                usedGroups.Add(pool.Store.Videos[layer.Video].Source.Group);
                foreach (SceneObject o in layer.Objects ?? []) usedGroups.Add(pool.Store.Videos[o.Photo].Source.Group);
                label ??= pool.Store.Videos[layer.Video].Source.Label;
            }
            layers.Add(layer);
        }
        SplitMix64 reflectionRng = SplitMix64.Derive(seed, keyA, keyB, ReflectionStream);
        if (!random || !reflectionRng.Chance(config.ReflectionProbability)) return new SamplePlan(layers, weights, flip);
        ReflectionMix mix = ReflectionMix.Sample(config.Reflection, ref reflectionRng);
        return new SamplePlan(layers, mix.MeanWeights, flip) { Reflection = mix };
    }

    private static LayerKind DrawKind(ClipPool pool, DataConfig config, int layer, ref SplitMix64 rng)
    {
        if (layer > 0 && rng.Chance(config.ColourProbability)) return LayerKind.Colour;
        if (rng.Chance(config.ProceduralProbability)) return LayerKind.Procedural;
        if (pool.Photos.Count >= 2 && rng.Chance(config.CompositeProbability)) return LayerKind.Composite;
        if (pool.Photos.Count > 0 && (pool.Moving.Count == 0 || rng.Chance(config.PhotoProbability))) return LayerKind.Photo;
        return rng.Chance(config.FrozenProbability) ? LayerKind.Frozen : LayerKind.Moving;
    }

    // A store index from candidates: same label when asked (falling back to any), avoiding groups already in the sample.
    private static int Pick(ClipPool pool, IReadOnlyList<int> candidates, string? sameLabel, HashSet<string> usedGroups, ref SplitMix64 rng)
    {
        if (candidates.Count == 0)
            throw new CentrifugeException("data: no " + (ReferenceEquals(candidates, pool.Photos) ? "photos" : "videos long enough") +
                                          " for the requested layer kind in this split", ExitCodes.InvalidInput);
        IReadOnlyList<int> from = candidates;
        if (sameLabel is not null && pool.MovingByLabel.TryGetValue(sameLabel, out int[]? same)
            && same.Any(i => !usedGroups.Contains(pool.Store.Videos[i].Source.Group)))
            from = same;
        int choice = from[rng.NextInt(from.Count)];
        for (int attempt = 0; attempt < 16 && usedGroups.Contains(pool.Store.Videos[choice].Source.Group); attempt++)
            choice = from[rng.NextInt(from.Count)];
        return choice;
    }

    private static LayerPlan PlanMoving(ClipPool pool, DataConfig config, LayerKind kind, BlendRecipe recipe, int video, ref SplitMix64 rng)
    {
        StoredVideo v = pool.Store.Videos[video];
        bool random = recipe.Training, placed = random || recipe.Placement == ClipPlacement.Spread;
        int stride = random ? rng.NextInt(config.StrideMin, config.StrideMax) : 1;
        int[] frames = kind == LayerKind.Frozen
            ? ClipSampler.Frozen(v.Frames, config.Frames, placed, ref rng)
            : ClipSampler.Sample(v.Frames, config.Frames, ClipSampler.Step(v.Fps, config.TargetFps, stride), placed, ref rng)
              ?? throw new InvalidOperationException($"{v.Source.Id}: {v.Frames} frames, shorter than a clip");
        SpatialSampler crops = random ? SpatialSampler.For(config, true)
            : placed ? new SpatialSampler.RandomCrop(config with { CropScale = null, CropAspect = null, ScaleJitter = null })
            : SpatialSampler.For(config, false);
        CropBox box = crops.Sample(v.Width, v.Height, ref rng);
        JitterFactors jitter = random ? JitterFactors.Sample(config.ColourJitter, ref rng) : JitterFactors.None;
        string id = kind == LayerKind.Frozen ? $"frozen:{v.Source.Id}@{frames[0]}" : $"{v.Source.Id}@{frames[0]}";
        return new LayerPlan(kind, video, frames, box, jitter) { Id = id };
    }

    private static LayerPlan PlanPhoto(ClipPool pool, DataConfig config, bool random, int video, ref SplitMix64 rng)
    {
        StoredVideo v = pool.Store.Videos[video];
        (CameraPath path, double ww, double wh) = CameraMotion.SampleWindow(v.Width, v.Height, config, ref rng);
        JitterFactors jitter = random ? JitterFactors.Sample(config.ColourJitter, ref rng) : JitterFactors.None;
        return new LayerPlan(LayerKind.Photo, video, [0], new CropBox(0, 0, v.Width, v.Height), jitter)
        {
            Camera = path, WindowWidth = ww, WindowHeight = wh, Id = "photo:" + v.Source.Id,
        };
    }

    // A photo under camera motion (as PlanPhoto) with cut-outs of other photos; the objects' photos are drawn from
    // `pick`, their paths from the layer's own stream.
    private static LayerPlan PlanComposite(ClipPool pool, DataConfig config, bool random, int background, HashSet<string> usedGroups,
        ref SplitMix64 pick, ref SplitMix64 rng)
    {
        LayerPlan layer = PlanPhoto(pool, config, random, background, ref rng);
        CompositeConfig c = config.Composite;
        int count = rng.NextInt(c.MinObjects, c.MaxObjects);
        var taken = new HashSet<string>(usedGroups, StringComparer.Ordinal) { pool.Store.Videos[background].Source.Group };
        var objects = new List<SceneObject>(count);
        for (int i = 0; i < count; i++)
        {
            int photo = Pick(pool, pool.Photos, null, taken, ref pick);
            StoredVideo v = pool.Store.Videos[photo];
            taken.Add(v.Source.Group);
            double photoPixelsPerClipPixel = (double)Math.Min(v.Width, v.Height) / config.ShortSide;
            objects.Add(CompositeScene.SampleObject(photo, v.Width, v.Height, photoPixelsPerClipPixel, config.Height, config.Width, c, ref rng));
        }
        return layer with { Kind = LayerKind.Composite, Objects = objects, Id = $"composite:{pool.Store.Videos[background].Source.Id}+{count}" };
    }

    private static LayerPlan PlanColour(DataConfig config, BlendRecipe recipe, ref SplitMix64 rng)
    {
        PureColour colour = recipe.Colour is not null ? PureColours.Get(recipe.Colour) : PureColours.All[rng.NextInt(PureColours.All.Count)];
        return new LayerPlan(LayerKind.Colour, -1, [], default, JitterFactors.None) { Colour = colour, Id = "colour:" + colour.Name };
    }
}

using Centrifuge.Data;
using Centrifuge.Runtime;
using Centrifuge.Tests.Data.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data;

public class BlendLoaderTests
{
    // 6 x 16 x 16 clips: short side 19.
    private static readonly DataConfig Config = new() { Frames = 6, Height = 16, Width = 16, BatchSize = 3, Seed = 11, QueueSize = 2 };

    public BlendLoaderTests() => TorchRuntime.EnsureLoaded();

    private static MemoryFrameStore Store(int videos = 6, int photos = 0)
    {
        var store = new MemoryFrameStore();
        for (int i = 0; i < videos; i++) store.Add($"v{i}", 20 + i, 19, 25 + i, seed: i, label: i % 2 == 0 ? "even" : "odd");
        for (int i = 0; i < photos; i++) store.Add($"p{i}", 1, 29, 38, seed: 100 + i, kind: SourceKind.Photo);
        return store;
    }

    private static float[] Data(Tensor t) => t.contiguous().data<float>().ToArray();

    private static void AssertSame(BlendedBatch a, BlendedBatch b)
    {
        Assert.Equal(Data(a.Mixture), Data(b.Mixture));
        Assert.Equal(Data(a.Targets), Data(b.Targets));
        Assert.Equal(Data(a.Weights), Data(b.Weights));
        Assert.Equal(a.SourceIds, b.SourceIds);
    }

    [Fact]
    public void Same_seed_gives_the_same_bytes_and_other_seeds_other_clips()
    {
        var pool = new ClipPool(Store(), Config.Frames);
        using BlendedBatch a = BlendLoader.GetBatch(pool, Config, 5);
        using BlendedBatch b = BlendLoader.GetBatch(new ClipPool(Store(), Config.Frames), Config, 5);
        AssertSame(a, b);
        Assert.Equal(new long[] { 3, 3, 6, 16, 16 }, a.Mixture.shape);
        Assert.Equal(new long[] { 3, 2, 3, 6, 16, 16 }, a.Targets.shape);
        Assert.Equal(new long[] { 3, 2 }, a.Weights.shape);
        using BlendedBatch other = BlendLoader.GetBatch(pool, Config with { Seed = 12 }, 5);
        using BlendedBatch next = BlendLoader.GetBatch(pool, Config, 6);
        Assert.NotEqual(Data(a.Targets), Data(other.Targets));
        Assert.NotEqual(Data(a.Targets), Data(next.Targets));
    }

    [Fact]
    public void Workers_yield_batches_in_order_equal_to_sequential_ones_and_resume_at_any_iteration()
    {
        var pool = new ClipPool(Store(), Config.Frames);
        var config = Config with { Workers = 2 };
        var sequential = Enumerable.Range(0, 6).Select(i => BlendLoader.GetBatch(pool, config, i)).ToList();
        using (var loader = new BlendLoader(pool, config))
        {
            for (int i = 0; i < 6; i++)
            {
                Assert.Equal(i, loader.Iteration);
                using BlendedBatch batch = loader.Next();
                Assert.Equal(i, batch.Iteration);
                AssertSame(sequential[i], batch);
            }
            Thread.Sleep(100);
            Assert.InRange(loader.Ready, 0, config.QueueSize); // bounded queue
        }
        using (var resumed = new BlendLoader(pool, config, startIteration: 3))
            for (int i = 3; i < 6; i++)
            {
                using BlendedBatch batch = resumed.Next();
                AssertSame(sequential[i], batch);
            }
        sequential.ForEach(b => b.Dispose());
    }

    [Fact]
    public void Mixture_is_the_weighted_sum_of_the_targets_to_float_precision()
    {
        var pool = new ClipPool(Store(photos: 2), Config.Frames);
        var config = Config with { Layers = 3, AlphaRange = new UniformRange(0.2, 0.8), ColourJitter = 0.3, ScaleJitter = new UniformRange(0.8, 1.2), FrozenProbability = 0.3, ColourProbability = 0.3, PhotoProbability = 0.3 };
        using BlendedBatch batch = BlendLoader.GetBatch(pool, config, 2);
        float[] mix = Data(batch.Mixture), targets = Data(batch.Targets), weights = Data(batch.Weights);
        int b = 3, k = 3, n = 3 * 6 * 16 * 16;
        for (int s = 0; s < b; s++)
        {
            Assert.Equal(1.0, weights.Skip(s * k).Take(k).Sum(w => (double)w), 6);
            for (int i = 0; i < n; i++)
            {
                double expected = 0;
                for (int j = 0; j < k; j++) expected += (double)weights[s * k + j] * targets[(s * k + j) * n + i];
                Assert.Equal(expected, mix[s * n + i], 1e-6);
            }
        }
        Assert.All(targets, v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void Evaluation_layers_are_centre_crops_of_centred_clips_exactly()
    {
        MemoryFrameStore store = Store();
        var pool = new ClipPool(store, Config.Frames);
        ValidationSet set = ValidationSet.Create(pool, Config with { FlipProbability = 1 }, pairs: 4, seed: 9);
        using BlendedBatch batch = set.Batch(0, 4);
        float[] targets = Data(batch.Targets), weights = Data(batch.Weights);
        Assert.All(weights, w => Assert.Equal(0.5f, w));
        for (int s = 0; s < 4; s++)
            for (int j = 0; j < 2; j++)
            {
                LayerPlan layer = set.Plans[s].Layers[j];
                StoredVideo v = store.List[layer.Video];
                int t0 = (v.Frames - 6) / 2, y0 = (v.Height - 16) / 2, x0 = (v.Width - 16) / 2;
                for (int c = 0; c < 3; c++)
                    for (int t = 0; t < 6; t++)
                        for (int y = 0; y < 16; y++)
                            for (int x = 0; x < 16; x++)
                            {
                                float got = targets[((((s * 2 + j) * 3 + c) * 6 + t) * 16 + y) * 16 + x];
                                double want = store.Pixel(layer.Video, t0 + t, y0 + y, x0 + x, c) / 255.0 * 2 - 1;
                                Assert.Equal(want, got, 1e-6);
                            }
            }
        Assert.Equal(Data(batch.Targets), Data(ValidationSet.Create(pool, Config, 4, 9).Batch(0, 4).Targets));
    }

    [Fact]
    public void Flip_mirrors_the_mixture_and_every_target_alike_and_changes_nothing_else()
    {
        var pool = new ClipPool(Store(), Config.Frames);
        using BlendedBatch plain = BlendLoader.GetBatch(pool, Config with { FlipProbability = 0 }, 4);
        using BlendedBatch flipped = BlendLoader.GetBatch(pool, Config with { FlipProbability = 1 }, 4);
        Assert.Equal(Data(plain.Mixture.flip(-1)), Data(flipped.Mixture));
        Assert.Equal(Data(plain.Targets.flip(-1)), Data(flipped.Targets));
        Assert.NotEqual(Data(plain.Targets), Data(flipped.Targets));
    }

    [Fact]
    public void Frozen_colour_and_photo_layers()
    {
        var pool = new ClipPool(Store(photos: 2), Config.Frames);
        using BlendedBatch frozen = BlendLoader.GetBatch(pool, Config with { FrozenProbability = 1, PhotoProbability = 0 }, 0);
        Tensor t = frozen.Targets;                                       // [B, k, 3, T, H, W]
        Assert.Equal(Data(t[.., .., .., 0..1].expand(t.shape)), Data(t));
        Assert.All(frozen.SourceIds.SelectMany(x => x), id => Assert.StartsWith("frozen:", id));

        var recipe = new BlendRecipe(true) { Kinds = [LayerKind.Moving, LayerKind.Colour], Colour = "magenta" };
        using BlendedBatch coloured = BlendComposer.Compose(pool, Config, recipe, 1, [(0, 0), (0, 1)]);
        Assert.All(Data(coloured.Targets[.., 1, 0]), v => Assert.Equal(1f, v));
        Assert.All(Data(coloured.Targets[.., 1, 1]), v => Assert.Equal(-1f, v));
        Assert.All(coloured.SourceIds, ids => Assert.Equal("colour:magenta", ids[1]));

        using BlendedBatch photos = BlendComposer.Compose(pool, Config, new BlendRecipe(true) { Kinds = [LayerKind.Photo, LayerKind.Moving] }, 1, [(0, 0)]);
        Assert.StartsWith("photo:p", photos.SourceIds[0][0]);
        Assert.All(Data(photos.Targets), v => Assert.InRange(v, -1f, 1f));
    }

    [Fact]
    public void Same_class_pairing_draws_both_layers_from_one_label_and_never_one_video_twice()
    {
        MemoryFrameStore store = Store();
        var pool = new ClipPool(store, Config.Frames);
        using BlendedBatch batch = BlendLoader.GetBatch(pool, Config with { Pairing = Pairing.SameClass, BatchSize = 8 }, 0);
        foreach (string[] ids in batch.SourceIds)
        {
            int a = int.Parse(ids[0][1..ids[0].IndexOf('@')]), b = int.Parse(ids[1][1..ids[1].IndexOf('@')]);
            Assert.NotEqual(a, b);
            Assert.Equal(a % 2, b % 2);
        }
    }

    [Fact]
    public void Videos_shorter_than_a_clip_are_left_out_and_listed()
    {
        var store = Store(videos: 2);
        store.Add("short", 3, 19, 25, seed: 7);
        var pool = new ClipPool(store, Config.Frames);
        Assert.Equal(2, pool.Moving.Count);
        Assert.Equal("short", Assert.Single(pool.Skipped).Path);
        Assert.Throws<CentrifugeException>(() => new ClipPool(store, 100).EnsureUsable("training data"));
    }
}

public class BlendLoaderMemoryTests
{
    [Fact]
    public void Building_and_disposing_batches_leaves_no_live_tensors_behind()
    {
        TorchRuntime.EnsureLoaded();
        var store = new MemoryFrameStore();
        for (int i = 0; i < 4; i++) store.Add($"v{i}", 10, 19, 25, seed: i);
        store.Add("p", 1, 29, 38, seed: 9, kind: SourceKind.Photo);
        var pool = new ClipPool(store, 4);
        var config = new DataConfig { Frames = 4, Height = 16, Width = 16, BatchSize = 2, ScaleJitter = new UniformRange(0.8, 1.2), ColourJitter = 0.2, PhotoProbability = 0.5, FlipProbability = 0.5 };
        BlendLoader.GetBatch(pool, config, 0).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 1; i <= 20; i++) BlendLoader.GetBatch(pool, config, i).Dispose();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}

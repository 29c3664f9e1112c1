using Centrifuge.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data.Support;

/// <summary>Checks every kind of training sample must pass.</summary>
public static class SampleAssertions
{
    /// <summary>
    /// Batch <paramref name="iteration"/> of <paramref name="config"/> is the same from two pools of the same store,
    /// differs with another seed, has every layer id start with <paramref name="idPrefix"/>, and stays in [-1, 1].
    /// Returns the batch (the caller disposes it).
    /// </summary>
    public static BlendedBatch PureFunctionOfSeedAndKey(Func<IFrameStore> store, DataConfig config, long iteration, string idPrefix)
    {
        var pool = new ClipPool(store(), config.Frames);
        BlendedBatch a = BlendLoader.GetBatch(pool, config, iteration);
        using BlendedBatch b = BlendLoader.GetBatch(new ClipPool(store(), config.Frames), config, iteration);
        using BlendedBatch other = BlendLoader.GetBatch(pool, config with { Seed = config.Seed + 1 }, iteration);
        Assert.Equal(Values(a.Targets), Values(b.Targets));
        Assert.Equal(Values(a.Mixture), Values(b.Mixture));
        Assert.NotEqual(Values(a.Targets), Values(other.Targets));
        Assert.All(a.SourceIds.SelectMany(ids => ids), id => Assert.StartsWith(idPrefix, id));
        Assert.Equal(new long[] { config.BatchSize, config.Layers, 3, config.Frames, config.Height, config.Width }, a.Targets.shape);
        Assert.True(a.Targets.min().item<float>() >= -1 && a.Targets.max().item<float>() <= 1);
        return a;
    }

    private static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();
}

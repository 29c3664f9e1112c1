using Centrifuge.Data;
using Centrifuge.Runtime;
using Centrifuge.Tests.Data.Support;

namespace Centrifuge.Tests.Data;

public class TrainingDataTests
{
    [Fact]
    public void Pools_follow_the_split_and_the_validation_set_draws_only_validation_videos()
    {
        TorchRuntime.EnsureLoaded();
        var store = new MemoryFrameStore();
        for (int i = 0; i < 8; i++) store.Add($"v{i}", 12, 19, 25, seed: i, split: i < 2 ? "val" : null);
        var config = new DataConfig { Frames = 4, Height = 16, Width = 16, ValidationFraction = 0.25, Seed = 3 };
        TrainingData data = TrainingData.FromStore(store, config);
        var train = data.Train.Moving.Select(i => store.List[i].Source.Id).ToHashSet();
        var val = data.Validation.Moving.Select(i => store.List[i].Source.Id).ToHashSet();
        Assert.Empty(train.Intersect(val));
        Assert.Equal(8, train.Count + val.Count);
        Assert.Contains("v0", val);
        Assert.Contains("v1", val);
        Assert.Equal(4, val.Count); // 2 fixed + ceil(0.25 x 6)

        ValidationSet set = ValidationSet.Create(data, config, pairs: 10, seed: 1);
        Assert.Equal(10, set.Count);
        int seen = 0;
        foreach (BlendedBatch batch in set.Batches(4))
            using (batch)
            {
                seen += batch.Size;
                Assert.All(batch.SourceIds.SelectMany(x => x), id => Assert.Contains(id[..id.IndexOf('@')], val));
            }
        Assert.Equal(10, seen);
    }

    [Fact]
    public void Config_round_trips_through_json_and_rejects_bad_values()
    {
        var config = new DataConfig
        {
            Sources = ["a", "b.csv"], AlphaRange = new UniformRange(0.25, 0.75), ScaleJitter = new UniformRange(0.8, 1.25),
            Pairing = Pairing.SameClass, Layers = 3, CameraMotion = new CameraMotionConfig { MaxRotationDegrees = 3 },
        };
        string json = JsonDefaults.Serialize(config);
        Assert.Contains("\"alpha_range\"", json);
        Assert.Contains("\"same_class\"", json);
        DataConfig back = JsonDefaults.Deserialize<DataConfig>(json);
        Assert.Equal(json, JsonDefaults.Serialize(back));
        Assert.Equal(0.5, new DataConfig().Alpha);
        Assert.Equal((32, 112, 112, 10), (new DataConfig().Frames, new DataConfig().Height, new DataConfig().Width, new DataConfig().BatchSize));
        Assert.Throws<CentrifugeException>(() => (config with { Layers = 1 }).Validate());
        Assert.Throws<CentrifugeException>(() => (config with { AlphaRange = new UniformRange(0.5, 1.5) }).Validate());
    }
}

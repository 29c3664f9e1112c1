using Centrifuge.Data;
using Centrifuge.Tests.Data.Support;
using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

/// <summary>data.cache_short_side (issue 28): training clips from a larger cache, validation unchanged.</summary>
[Collection(TrainingFixtures.Collection)]
public sealed class ScaledCacheTests
{
    [Fact]
    public void Training_reads_a_second_cache_at_the_larger_side_and_validation_stays_the_same_pairs()
    {
        using var dir = new TempDir();
        string videos = Directory.CreateDirectory(dir.File("videos")).FullName;
        foreach (string source in new[] { "testsrc2", "mandelbrot", "smptebars", "rgbtestsrc", "life" })
            TestClips.Video(Path.Combine(videos, source + ".mkv"), source, 96, 64, 12, fps: 10);
        TrainingConfig config = TrainingPresets.Get("tiny");
        config = config with
        {
            ValidationPairs = 6,
            Data = config.Data with
            {
                Sources = [videos], Cache = dir.File("cache"), Frames = 4, Height = 16, Width = 16, BatchSize = 2,
                ValidationFraction = 0.4, CompositeProbability = 0, PhotoProbability = 0,
            },
        };
        DataConfig scaled = config.Data with { CacheShortSide = 48, CropScale = new UniformRange(0.25, 1) };

        using ITrainingBatches plain = TrainingBatches.Open(config);
        using ITrainingBatches augmented = TrainingBatches.Open(config with { Data = scaled });

        Assert.Equal(19, ClipCache.ReadIndex(dir.File("cache"))!.ShortSide);
        Assert.Equal(48, ClipCache.ReadIndex(dir.File("cache") + "-short-side-48")!.ShortSide);
        Assert.Contains("short side 48", augmented.Description);
        Assert.Equal(Floats(plain.Validation()), Floats(augmented.Validation()));
        Assert.NotEmpty(Floats(plain.Validation()));
        Assert.Equal(Floats(plain.RealVideoValidation(true)!), Floats(augmented.RealVideoValidation(true)!));
        using BlendedBatch a = plain.Training(0), b = augmented.Training(0);
        Assert.Equal(a.Targets.shape, b.Targets.shape);
        Assert.NotEqual(a.Targets.data<float>().ToArray(), b.Targets.data<float>().ToArray());
    }

    private static float[] Floats(IEnumerable<BlendedBatch> batches) =>
        batches.SelectMany(batch => { using (batch) return batch.Mixture.data<float>().ToArray().Concat(batch.Targets.data<float>().ToArray()).ToArray(); }).ToArray();
}

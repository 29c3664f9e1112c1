using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(99_999, 0.1)]
    [InlineData(100_000, 0.05)]
    [InlineData(149_999, 0.05)]
    [InlineData(150_000, 0.025)]
    [InlineData(200_000, 0.01)]
    [InlineData(239_999, 0.01)]
    public void PaperRecipeDropsAt100k150k200kOf240k(long iteration, double expected)
    {
        var schedule = LearningRateSchedule.From(new TrainingConfig());
        Assert.Equal(expected, schedule.At(iteration), 12);
    }

    [Fact]
    public void ShorterRunsScaleTheMilestonesProportionally()
    {
        var schedule = LearningRateSchedule.From(new TrainingConfig { Iterations = 24_000 });
        Assert.Equal([10_000L, 15_000L, 20_000L], schedule.Milestones);
        Assert.Equal(0.1, schedule.At(9_999), 12);
        Assert.Equal(0.05, schedule.At(10_000), 12);
        Assert.Equal(0.01, schedule.At(23_999), 12);
    }

    [Fact]
    public void WarmUpRisesLinearlyThenFollowsTheSteps()
    {
        var schedule = LearningRateSchedule.From(new TrainingConfig { Iterations = 1000, WarmupIterations = 10, LearningRate = 1.0 });
        for (int i = 0; i < 10; i++) Assert.Equal((i + 1) / 10.0, schedule.At(i), 12);
        Assert.Equal(1.0, schedule.At(10), 12);
        Assert.Equal(0.5, schedule.At(417), 12);   // 100k/240k of 1000 = 416.67 -> 417
        Assert.Equal(1.0, schedule.At(416), 12);
    }

    [Fact]
    public void PaperDefaultsAreTheRecipeOfSection41()
    {
        var config = new TrainingConfig();
        Assert.Equal(OptimizerKind.Sgd, config.Optimizer);
        Assert.Equal(0.99, config.Momentum);
        Assert.Equal(0.0, config.WeightDecay);
        Assert.Equal(10, config.Data.BatchSize);
        Assert.Equal(240_000, config.Iterations);
        Assert.Null(config.GradientClipNorm);
    }
}

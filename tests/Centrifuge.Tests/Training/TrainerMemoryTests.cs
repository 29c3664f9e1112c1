using System.Diagnostics;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainerMemoryTests
{
    /// <summary>
    /// No tensor outlives its step: libtorch's live-tensor count on the training thread is the same after step 20 and
    /// after step 300 (every loop body runs in a dispose scope), and resident memory stays flat. The RSS bound is
    /// generous (allocator and garbage-collector noise; no forced collection); a leak of one step's activations per step would exceed it many times.
    /// </summary>
    [Fact]
    public void LiveTensorsAndResidentMemoryStayFlatOverHundredsOfSteps()
    {
        using var dir = new TempDir();
        var tiny = TrainingPresets.Get("tiny");
        var config = TrainingFixtures.Tiny(300) with
        {
            Data = tiny.Data with { Sources = [TrainingConfig.SyntheticShapes], Frames = 4, Height = 16, Width = 16, BatchSize = 4 },
            ValidationEvery = 100,
            CheckpointEvery = 100,
        };
        var live = new Dictionary<long, long>();
        var rss = new Dictionary<long, long>();
        using var process = Process.GetCurrentProcess();
        var recorder = new TrainingFixtures.Recorder
        {
            OnStep = p =>
            {
                if (p.Iteration is not (20 or 150 or 300)) return;
                live[p.Iteration] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                process.Refresh();
                rss[p.Iteration] = process.WorkingSet64;
            },
        };
        Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false, events: recorder);

        Assert.True(live[20] > 0, "the statistic counts the model's own tensors");
        Assert.Equal(live[20], live[150]);
        Assert.Equal(live[20], live[300]);
        long growth = rss[300] - rss[20];
        Assert.True(growth < 150L << 20, $"resident memory grew by {growth >> 20} MB from step 20 to step 300");
    }
}

using Centrifuge.Inference.Batch;
using Centrifuge.Inference.Output;
using Centrifuge.Inference.Separation;
using Centrifuge.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Batch;

/// <summary>The one batch runner `separate` calls: every input in order, a bad one skipped, progress on the channel.</summary>
public class SeparationJobTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    private sealed class Recorder : IRunEvents
    {
        public List<string> Events { get; } = [];
        public int Updates { get; private set; }

        public void Report(RunEvent e)
        {
            switch (e)
            {
                case WorkStarted work: Events.Add($"track {work.Label}"); break;
                case SeparationProgress: Updates++; break;
                case RunNote: Events.Add("note"); break;
                case SeparationOutcome outcome: Events.Add($"finished {Path.GetFileName(outcome.Input)} {outcome.ExitCode}"); break;
            }
        }
    }

    private static Tensor TwoLayers(Tensor x) => torch.stack(new[] { x[0], -x[0] }).unsqueeze(0);   // [1, 3, T, H, W] -> [1, 2, 3, T, H, W]

    [Fact]
    public void A_batch_reports_each_input_in_order_and_skips_the_bad_ones()
    {
        using var dir = new TempDir();
        var separator = new Separator(TwoLayers, new SeparationOptions { ProcessingShortSide = 48, WindowFrames = 8, OverlapFrames = 2 });
        string missing = dir.File("missing.mp4"), twin = Path.Combine(dir.Path, "twin", Path.GetFileName(clips.Testsrc));
        var recorder = new Recorder();
        IReadOnlyList<SeparationOutcome> outcomes = SeparationBatch.Run(separator,
            new SeparationJob([clips.Testsrc, missing, twin], dir.File("out")), recorder);

        Assert.Equal([ExitCodes.Ok, ExitCodes.MissingInput, ExitCodes.InvalidInput], outcomes.Select(o => o.ExitCode));
        string name = Path.GetFileName(clips.Testsrc);
        Assert.Equal([$"track {name}", $"finished {name} 0", "track missing.mp4", $"finished missing.mp4 {ExitCodes.MissingInput}",
            $"finished {name} {ExitCodes.InvalidInput}"], recorder.Events);   // the twin is refused without running
        Assert.True(recorder.Updates > 0);
        Assert.Equal(ExitCodes.PartialFailure, SeparationBatch.ExitCode(outcomes));
        Assert.Equal([SeparationOutputFolder.NameOf(clips.Testsrc)], Directory.GetFileSystemEntries(dir.File("out")).Select(Path.GetFileName));
    }

    [Fact]
    public void A_shard_cannot_be_combined_with_a_blend()
    {
        using var dir = new TempDir();
        var separator = new Separator(TwoLayers, new SeparationOptions());
        var job = new SeparationJob([], dir.File("out")) { Shard = new ShardSpec(0, 2), Blend = (clips.Testsrc, clips.Testsrc, 0.5) };
        var error = Assert.Throws<OptionException>(() => SeparationBatch.Run(separator, job));
        Assert.Equal("shard", error.Option);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}

using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

/// <summary>What a training run reports on the library's one channel, and in what order.</summary>
[Collection(TrainingFixtures.Collection)]
public sealed class TrainerEventsTests
{
    [Fact]
    public void A_run_reports_its_start_each_step_and_each_validation_in_order()
    {
        using var dir = new TempDir();
        TrainingConfig config = TrainingFixtures.Tiny(4) with { ValidationEvery = 2 };
        var recorder = new TrainingFixtures.Recorder();
        Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false, events: recorder);

        string Kind(RunEvent e) => e switch
        {
            TrainingStart s => $"start {s.FirstIteration}/{s.Iterations}",
            TrainingProgress p => $"step {p.Iteration}/{p.Iterations}",
            TrainingValidated v => $"validated {v.Result.Iteration}",
            RunNote n => $"note {n.Text}",
            _ => e.GetType().Name,
        };
        Assert.Equal([
            "start 0/4",
            "step 1/4", "step 2/4", "note validating at 2", "validated 2",
            "step 3/4", "step 4/4", "note validating at 4", "validated 4",
        ], recorder.Events.Select(Kind));
        Assert.True(recorder.Events.OfType<TrainingValidated>().First().Best);   // the first validation is the best so far
        Assert.Equal(recorder.Steps.Select(s => (double)s.Iteration), recorder.Steps.Select(s => s.StepsDone));
        Assert.True(recorder.Steps[^1].Finished);
    }

    [Fact]
    public void A_resumed_run_reports_the_checkpoint_it_resumes_from_before_its_first_step()
    {
        using var dir = new TempDir();
        TrainingConfig config = TrainingFixtures.Tiny(2) with { CheckpointEvery = 1 };
        Trainer.Run(config with { Iterations = 1 }, RunFolder.Open(dir.File("run"), false, false), false);
        var recorder = new TrainingFixtures.Recorder();
        Trainer.Run(config, RunFolder.Open(dir.File("run"), true, false), true, events: recorder);

        int start = recorder.Events.FindIndex(e => e is TrainingStart);
        Assert.Contains(recorder.Events.Take(start), e => e is RunNote { Text: "config changed on resume: iterations: 1 -> 2" });
        Assert.Equal(1, recorder.Start!.FirstIteration);
        Assert.EndsWith("step-000000001.ckpt", recorder.Start.ResumedFrom);
        Assert.Equal([2L], recorder.Steps.Select(s => s.Iteration));
    }
}

using Centrifuge.Data;
using Centrifuge.Models;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using Centrifuge.Video;

namespace Centrifuge.Tests.Training;

/// <summary>
/// The per-frame 2D encoder (model.encoder = frame2d) through the training loop and the command line: it learns, and a
/// config that asks for it trains, checkpoints, resumes and separates a video with the resulting model.
/// </summary>
[Collection(TrainingFixtures.Collection)]
public sealed class FrameEncoderTrainingTests
{
    [Fact]
    public void A_few_steps_on_one_batch_of_moving_shapes_lower_its_loss()
    {
        using var dir = new TempDir();
        TrainingConfig tiny = TrainingFixtures.Tiny(iterations: 30);
        TrainingConfig config = tiny with
        {
            Model = tiny.Model with { Encoder = EncoderKind.Frame2d },
            ValidateAtStart = true,
            ValidationEvery = 30,
        };
        var recorder = new TrainingFixtures.Recorder();

        // Thirty steps on one fixed batch, validated on that batch: a model that learns must fit it (fresh batches would
        // take hundreds of steps to show, see TrainerLearnsTests).
        using var batches = new OneBatch(SyntheticShapesBatches.From(config));
        TrainingOutcome outcome = Trainer.Run(config, RunFolder.Open(dir.File("run"), false, false), false, batches, recorder);

        Assert.Equal(TrainingStopReason.Completed, outcome.Reason);
        Assert.Equal(30, recorder.Steps.Count);
        double first = recorder.Steps[0].Loss, last = recorder.Steps[^1].Loss;
        Assert.True(last < 0.7 * first, $"training loss {first:F4} -> {last:F4} in 30 steps");
        Assert.Equal([0L, 30L], recorder.Validations.Select(v => v.Iteration));
        ValidationResult untrained = recorder.Validations[0], trained = recorder.Validations[^1];
        // Eval mode lags behind (batch-norm running statistics trail the weights): 0.54 -> 0.49 here, 0.90x.
        Assert.True(trained.Loss < 0.95 * untrained.Loss, $"eval-mode loss {untrained.Loss:F4} -> {trained.Loss:F4} in 30 steps (training loss {first:F4} -> {last:F4})");
        using CentrifugeModel best = ModelCheckpoint.Load(Path.Combine(dir.File("run"), "best.ckpt"));
        Assert.IsType<FrameEncoder>(best.Predictor.Encoder);
    }

    // Batch 0 of the inner stream at every step, and as the whole validation set.
    private sealed class OneBatch(ITrainingBatches inner) : ITrainingBatches
    {
        public string Description => "one batch of " + inner.Description;
        public BlendedBatch Training(long index) => inner.Training(0);
        public IEnumerable<BlendedBatch> Validation() { yield return inner.Training(0); }
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void A_config_with_encoder_frame2d_trains_resumes_and_separates_a_video()
    {
        using var dir = new TempDir();
        string json = JsonDefaults.Serialize(TrainingPresets.Get("tiny"));
        Assert.Contains("\"encoder\": \"i3d\"", json);
        string configFile = dir.File("frames.json");
        File.WriteAllText(configFile, json.Replace("\"encoder\": \"i3d\"", "\"encoder\": \"frame2d\""));
        string run = dir.File("run");

        CliResult trained = CliRunner.Run("train", "--config", configFile, "--data", TrainingConfig.SyntheticShapes, "--out", run,
            "--iterations", "4", "--checkpoint-every", "2", "--val-every", "4", "--clip", "4,16,16", "--batch", "2", "--threads", "1");
        Assert.True(trained.ExitCode == 0, trained.Error + trained.Output);
        Assert.Equal(EncoderKind.Frame2d, TrainingConfig.Load(Path.Combine(run, "config.json")).Model.Encoder);

        CliResult resumed = CliRunner.Run("train", "--out", run, "--resume", "--iterations", "6");
        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Output);
        Assert.Contains("step-000000004.ckpt at iteration 4 of 6", resumed.Output);
        Assert.Equal(6, TrainingCheckpoint.ReadState(Path.Combine(run, "checkpoints", "step-000000006.ckpt")).Iteration);
        string best = Path.Combine(run, "best.ckpt");
        Assert.Equal(EncoderKind.Frame2d, ModelCheckpoint.ReadConfig(best).Encoder);

        string video = Centrifuge.Tests.Data.Support.TestClips.Video(dir.File("testsrc.mkv"), "testsrc2", 48, 40, 12);
        string outDir = dir.File("out");
        CliResult separated = CliRunner.Run("separate", video, "-o", outDir, "--model", best, "--size", "32", "--window", "8",
            "--overlap", "2", "--threads", "1");
        Assert.True(separated.ExitCode == 0, separated.Error + separated.Output);
        VideoInfo layer = VideoProbe.Probe(Path.Combine(outDir, "testsrc", "layer-2.mp4"));
        Assert.Equal((12, 48, 40), (layer.Frames, layer.Width, layer.Height));
    }
}

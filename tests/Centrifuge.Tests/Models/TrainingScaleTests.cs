using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Evaluation;
using Centrifuge.Tests.Support;
using TorchSharp;

namespace Centrifuge.Tests.Models;

/// <summary>A model file records the scale it was trained at; separation and evaluation default to it.</summary>
public class TrainingScaleTests(EvaluationClips clips) : IClassFixture<EvaluationClips>
{
    [Fact]
    public void A_model_file_keeps_its_training_scale_beside_a_config_old_readers_still_read()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        torch.manual_seed(3);
        using var model = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        string scaled = dir.File("scaled.ckpt"), plain = dir.File("plain.ckpt");
        var scale = new TrainingScale(8, 32, 40, 46);
        ModelCheckpoint.Save(model, scaled, scale);
        ModelCheckpoint.Save(model, plain);

        Assert.Equal(scale, ModelCheckpoint.ReadTrainingScale(scaled));
        Assert.Null(ModelCheckpoint.ReadTrainingScale(plain));
        Assert.Equal(model.Config, ModelCheckpoint.ReadConfig(scaled));
        using CentrifugeModel loaded = ModelCheckpoint.Load(scaled);
        Assert.Equal(model.Config, loaded.Config);

        Assert.Equal(46, SeparationOptions.ShortSideFor(scaled, null));
        Assert.Equal(100, SeparationOptions.ShortSideFor(scaled, 100));
        Assert.Equal(SeparationOptions.DefaultShortSide, SeparationOptions.ShortSideFor(plain, null));
    }

    [Fact]
    public void Evaluate_without_a_clip_scores_at_the_scale_the_model_was_trained_at()
    {
        using var dir = new TempDir();
        torch.manual_seed(5);
        using var model = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        string checkpoint = dir.File("scaled.ckpt");
        ModelCheckpoint.Save(model, checkpoint, new TrainingScale(4, 24, 24, 28));
        string report = dir.File("report");
        CliResult result = CliRunner.Run("evaluate", "--model", checkpoint, "--data", clips.Videos, "--pairs", "2", "--report", report, "--threads", "1");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("- clip T,H,W: 4,24,24", File.ReadAllText(Path.Combine(report, "report.md")));
    }
}

using Centrifuge.Models;
using Centrifuge.Tests.Export;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Training;

/// <summary>
/// `centrifuge average` end to end: model checkpoints and a run's training checkpoint in, a model checkpoint out that
/// holds the weighted mean and the scale of the runs, and every refusal in one line with nothing written.
/// </summary>
[Collection(TrainingFixtures.Collection)]
public sealed class WeightAveragingCliTests
{
    private static readonly TrainingConfig Config = TrainingFixtures.Tiny(10);

    // A model checkpoint (as a run's best.ckpt) and a training checkpoint (as its checkpoints/step-N.ckpt) of two random models.
    private static (string Model, string Step) TwoCheckpoints(TempDir dir)
    {
        using (CentrifugeModel model = OnnxExportTests.RandomModel(Config.Model, seed: 1))
            ModelCheckpoint.Save(model, dir.File("best.ckpt"), Config.TrainedAt);
        using (CentrifugeModel model = OnnxExportTests.RandomModel(Config.Model, seed: 2))
        {
            var optimizer = TrainingOptimizer.Create(Config, model.parameters());
            TrainingCheckpoint.Save(dir.File("step-000000002.ckpt"), model, optimizer, new TrainingState { Iteration = 2, Config = Config });
        }
        return (dir.File("best.ckpt"), dir.File("step-000000002.ckpt"));
    }

    [Fact]
    public void A_model_and_a_step_checkpoint_average_into_a_model_with_their_weighted_mean_and_scale()
    {
        using var dir = new TempDir();
        (string best, string step) = TwoCheckpoints(dir);
        string soup = dir.File("soup.ckpt");

        CliResult result = CliRunner.Run("average", best, step, "--weights", "3,1", "--out", soup);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("the average of 2 model(s)", result.Output);
        Assert.Contains("0.750", result.Output);
        Assert.Equal(Config.TrainedAt, ModelCheckpoint.ReadTrainingScale(soup));
        using CentrifugeModel a = ModelCheckpoint.Load(best), b = OnnxExportTests.RandomModel(Config.Model, seed: 2), average = ModelCheckpoint.Load(soup);
        foreach ((string name, Tensor value) in average.state_dict())
        {
            if (!value.is_floating_point()) continue;
            using Tensor expected = a.state_dict()[name] * 0.75 + b.state_dict()[name] * 0.25;
            Assert.True(value.allclose(expected, rtol: 1e-5, atol: 1e-6), $"{name} is not 0.75 a + 0.25 b");
        }
    }

    [Fact]
    public void One_step_checkpoint_becomes_a_model_where_a_model_command_pointed_to_average()
    {
        using var dir = new TempDir();
        (_, string step) = TwoCheckpoints(dir);
        string model = dir.File("step2.ckpt");

        CliResult refused = CliRunner.Run("export", "--model", step, "--onnx", dir.File("step.onnx"));
        CliResult extracted = CliRunner.Run("average", step, "--out", model);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("centrifuge average", refused.Error);
        Assert.True(extracted.ExitCode == 0, extracted.Error + extracted.Output);
        using CentrifugeModel expected = OnnxExportTests.RandomModel(Config.Model, seed: 2), actual = ModelCheckpoint.Load(model);
        foreach ((string name, Tensor value) in actual.state_dict())
            Assert.True(value.eq(expected.state_dict()[name]).all().item<bool>(), $"{name} differs from the step's");
    }

    [Fact]
    public void An_existing_output_is_kept_without_force_and_replaced_with_it()
    {
        using var dir = new TempDir();
        (string best, string step) = TwoCheckpoints(dir);
        string soup = dir.File("soup.ckpt");
        File.WriteAllText(soup, "keep me");

        CliResult refused = CliRunner.Run("average", best, step, "--out", soup);
        string kept = File.ReadAllText(soup);
        CliResult forced = CliRunner.Run("average", best, step, "--out", soup, "--force");

        Assert.Equal(ExitCodes.OutputExists, refused.ExitCode);
        Assert.Contains($"{soup}: already exists", refused.Error);
        Assert.Equal("keep me", kept);
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(Config.Model, ModelCheckpoint.ReadConfig(soup));
    }

    [Fact]
    public void Other_architectures_scales_damaged_files_and_bad_weights_are_refused_in_one_line_with_nothing_written()
    {
        using var dir = new TempDir();
        (string best, string step) = TwoCheckpoints(dir);
        string wider = dir.File("three-layers.ckpt"), otherScale = dir.File("other-scale.ckpt"), damaged = dir.File("damaged.ckpt");
        using (CentrifugeModel model = OnnxExportTests.RandomModel(Config.Model with { Layers = 3 }, seed: 3))
            ModelCheckpoint.Save(model, wider, Config.TrainedAt);
        using (CentrifugeModel model = OnnxExportTests.RandomModel(Config.Model, seed: 3))
            ModelCheckpoint.Save(model, otherScale, Config.TrainedAt with { Height = 32, Width = 32 });
        byte[] bytes = File.ReadAllBytes(best);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(damaged, bytes);
        string soup = dir.File("soup.ckpt");

        (string[] Args, int Code, string Says)[] cases =
        [
            ([best, wider], ExitCodes.IncompatibleModel, $"{wider}: another architecture than {best}'s: layers"),
            ([best, otherScale], ExitCodes.IncompatibleModel, $"{otherScale}: trained at 4x32x32"),
            ([step, damaged], ExitCodes.InvalidInput, damaged),
            ([best, dir.File("absent.ckpt")], ExitCodes.MissingInput, dir.File("absent.ckpt")),
            ([best, step, "--weights", "1,x"], ExitCodes.Usage, "'x' is not a number"),
            ([best, step, "--weights", "1"], ExitCodes.Usage, "1 weights for 2 models"),
            ([best, step, "--weights", "1,0"], ExitCodes.Usage, "positive"),
        ];
        foreach ((string[] args, int code, string says) in cases)
        {
            CliResult result = CliRunner.Run(["average", .. args, "--out", soup]);
            Assert.True(code == result.ExitCode, $"{string.Join(' ', args)}: exit {result.ExitCode}, {result.Error}");
            Assert.Contains(says, result.Error);
            Assert.Single(result.Error.Trim().Split('\n'));
            Assert.False(File.Exists(soup), $"{string.Join(' ', args)} wrote {soup}");
        }
    }
}

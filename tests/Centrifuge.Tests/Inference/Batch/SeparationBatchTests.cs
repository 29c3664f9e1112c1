using Centrifuge.Inference.Batch;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Batch;

public class SeparationBatchTests
{
    [Fact]
    public void Two_inputs_that_would_share_an_output_folder_refuse_the_later_one()
    {
        var plan = SeparationBatch.Plan(["a/clip.mp4", "b/clip.avi", "c/other.mp4"]);
        Assert.Null(plan[0].Refused);
        Assert.Equal(ExitCodes.InvalidInput, plan[1].Refused!.ExitCode);
        Assert.Contains("a/clip.mp4", plan[1].Refused!.Error);
        Assert.Null(plan[2].Refused);
    }

    [Fact]
    public void The_CLI_says_to_rename_a_colliding_input_not_to_force()
    {
        using var dir = new TempDir();
        CliResult r = CliRunner.Run("separate", dir.File("a/clip.mp4"), dir.File("b/clip.mp4"), "-o", dir.File("out"));
        string line = Assert.Single(r.Error.Split('\n'), l => l.Contains("already used by", StringComparison.Ordinal));
        Assert.Contains("rename one of them", line);
        Assert.DoesNotContain("--force", line);
    }

    [Fact]
    public void Batch_exit_code_is_partial_failure_when_some_inputs_failed()
    {
        SeparationOutcome ok = new("a", new SeparationResult("x", null!, null!, []), null, 0);
        SeparationOutcome bad = new("b", null, "b: no such file", ExitCodes.MissingInput);
        Assert.Equal(ExitCodes.Ok, SeparationBatch.ExitCode([ok, ok]));
        Assert.Equal(ExitCodes.PartialFailure, SeparationBatch.ExitCode([ok, bad]));
        Assert.Equal(ExitCodes.MissingInput, SeparationBatch.ExitCode([bad]));
    }

    [Fact]
    public void Bf16_separation_stays_close_to_fp32_and_returns_float32_layers()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using CentrifugeModel model = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        Tensor x = torch.rand(new long[] { 1, 3, 8, 32, 40 }) * 2 - 1;
        using var fp32 = new InferenceModel(model);
        Tensor expected = fp32.Separate(x);
        Assert.Equal(new long[] { 1, 2, 3, 8, 32, 40 }, expected.shape);
        Assert.False(expected.requires_grad);

        // A copy of the same weights (not a re-seeded model: tests in other classes draw from the global RNG in parallel).
        using CentrifugeModel copy = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        copy.load_state_dict(model.state_dict());
        using var bf16 = new InferenceModel(copy, Precision.Bf16);
        Tensor got = bf16.Separate(x);
        Assert.Equal(ScalarType.Float32, got.dtype);
        double error = (got - expected).abs().mean().item<float>(), scale = expected.abs().mean().item<float>();
        Assert.True(error < 0.05 * scale + 1e-3, $"bf16 mean error {error} vs mean magnitude {scale}");
        Assert.Throws<OptionException>(() => Precisions.Parse("fp8"));
    }
}

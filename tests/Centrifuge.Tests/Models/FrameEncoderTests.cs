using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

/// <summary>
/// The per-frame 2D encoder with temporal mixing (model.encoder = frame2d): its stages land where the U-Net decoder
/// expects I3D's, the model keeps every shape and option, only the temporal convolutions mix frames, the preset is
/// the size of cpu-small, checkpoints round-trip, and configs written before the field existed still mean I3D.
/// </summary>
public class FrameEncoderTests
{
    public FrameEncoderTests() => TorchRuntime.EnsureLoaded();

    private static readonly ModelConfig Tiny2d = ModelPresets.Get("tiny") with { Encoder = EncoderKind.Frame2d };

    // Mixed_5c depth (total stride 8 x 32), narrow enough for tests.
    private static readonly ModelConfig Deep2d = new()
    {
        Encoder = EncoderKind.Frame2d, Endpoint = I3dEndpoint.Mixed_5c, Width = 0.0625, Layers = 3,
        DecoderChannels = [16, 16, 16, 16, 16],
    };

    [Theory]
    [InlineData(I3dEndpoint.Mixed_3c, 8, 32, 32)]
    [InlineData(I3dEndpoint.Mixed_5c, 16, 64, 64)]
    [InlineData(I3dEndpoint.Mixed_5c, 9, 33, 31)]
    [InlineData(I3dEndpoint.Mixed_4f, 1, 1, 1)]
    public void Every_stage_has_the_channels_and_size_of_the_I3D_stage_the_decoder_expects(I3dEndpoint endpoint, int t, int h, int w)
    {
        ModelConfig config = new() { Endpoint = endpoint, Width = 0.125 };
        using var i3d = new I3dEncoder(config);
        using var frames = new FrameEncoder(config with { Encoder = EncoderKind.Frame2d });
        i3d.eval();
        frames.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.rand(new long[] { 2, 3, t, h, w });

        Tensor[] expected = i3d.forward(x), actual = frames.forward(x);

        Assert.Equal(I3dEncoder.StageCount(endpoint), actual.Length);
        Assert.Equal(i3d.StageChannels, frames.StageChannels);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i].shape, actual[i].shape);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 17, 23)]
    [InlineData(9, 33, 31)]
    [InlineData(16, 64, 64)]
    public void The_model_returns_n_layers_of_the_input_size_with_correctors_and_mixture_consistency(int t, int h, int w)
    {
        foreach (ModelConfig config in new[]
                 {
                     Tiny2d, Deep2d, Tiny2d with { Layers = 4, CorrectionSteps = 1, CorrectorSeesInput = true },
                     Tiny2d with { MixtureConsistency = true }, Deep2d with { Layers = 2, CorrectionSteps = 2 },
                 })
        {
            torch.manual_seed(0);
            using var model = CentrifugeModel.Create(config);
            model.eval();
            using var noGrad = torch.no_grad();
            using var x = torch.rand(new long[] { 2, 3, t, h, w }) * 2 - 1;
            using var y = model.forward(x);
            Assert.Equal(new long[] { 2, config.Layers, 3, t, h, w }, y.shape);
            Assert.True(y.isfinite().all().item<bool>());
            Assert.All(model.Correctors, c => Assert.IsType<FrameEncoder>(c.Encoder));
            if (config.MixtureConsistency)
                Assert.True(torch.allclose(y.mean([1]), x, atol: 1e-5));
        }
    }

    [Fact]
    public void Gradients_reach_every_parameter_of_a_predictor_corrector()
    {
        torch.manual_seed(1);
        using var model = CentrifugeModel.Create(Tiny2d with { CorrectionSteps = 1 });
        model.train();
        using var x = torch.rand(new long[] { 2, 3, 4, 16, 16 }) * 2 - 1;
        using var target = torch.rand(new long[] { 2, 2, 3, 4, 16, 16 }) * 2 - 1;
        using var loss = (model.forward(x) - target).abs().mean();
        loss.backward();
        foreach ((string name, var p) in model.named_parameters())
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"{name} has no gradient");
    }

    [Fact]
    public void The_2D_stages_keep_frames_apart_and_the_temporal_convolutions_mix_them()
    {
        torch.manual_seed(3);
        using var encoder = new FrameEncoder(Deep2d);
        encoder.eval();   // eval-mode batch norm: no statistic is shared across the frames folded into the batch
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.rand(new long[] { 1, 3, 8, 32, 32 }) * 2 - 1;
        Tensor changed = x.clone();
        changed[.., .., 3] = torch.rand(new long[] { 1, 3, 32, 32 });   // frame 3 only

        // Every stage's 2D part alone, chained: only frame 3 differs, all the way down.
        Tensor a = x, b = changed;
        foreach ((_, FrameStage stage) in encoder.Stages)
        {
            (a, b) = (stage.Frames(a), stage.Frames(b));
            Tensor differs = (a - b).abs().amax([0, 1, 3, 4]);   // per frame
            Assert.True(differs[3].item<float>() > 0, "the changed frame must change");
            for (int f = 0; f < 8; f++)
                if (f != 3) Assert.Equal(0f, differs[f].item<float>());
        }

        // The whole encoder: by stage 2 (4 frames) every output frame has seen frame 3.
        Tensor[] plain = encoder.forward(x), mixed = encoder.forward(changed);
        Tensor perFrame = (plain[1] - mixed[1]).abs().amax([0, 1, 3, 4]);
        Assert.Equal(4, perFrame.shape[0]);
        for (int f = 0; f < 4; f++) Assert.True(perFrame[f].item<float>() > 1e-6, $"stage 2 frame {f} did not change");
    }

    [Fact]
    public void A_temporal_convolution_reaches_exactly_one_frame_either_side()
    {
        torch.manual_seed(4);
        using var mixing = new TemporalMixing(channels: 5, timeStride: 1, momentum: 0.1);
        mixing.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor x = torch.rand(new long[] { 1, 5, 7, 3, 3 });
        Tensor changed = x.clone();
        changed[.., .., 3] += 1;

        Tensor differs = (mixing.forward(x) - mixing.forward(changed)).abs().amax([0, 1, 3, 4]);

        Assert.Equal(new[] { false, false, true, true, true, false, false }, Enumerable.Range(0, 7).Select(f => differs[f].item<float>() > 0));

        using var halving = new TemporalMixing(channels: 5, timeStride: 2, momentum: 0.1);
        halving.eval();
        Assert.Equal(new long[] { 1, 5, 4, 3, 3 }, halving.forward(x).shape);   // ceil(7 / 2)
    }

    [Fact]
    public void The_cpu_small_2d_preset_has_the_parameters_of_cpu_small_within_20_percent()
    {
        ModelSummary i3d = ModelSummary.Compute(ModelPresets.Get("cpu-small"), new ClipSize(16, 64, 64));
        ModelSummary frames = ModelSummary.Compute(ModelPresets.Get("cpu-small-2d"), new ClipSize(16, 64, 64));

        Assert.Equal(EncoderKind.Frame2d, frames.Config.Encoder);
        Assert.InRange((double)frames.TotalParams / i3d.TotalParams, 0.8, 1.2);
        Assert.Equal(i3d.DecoderParams, frames.DecoderParams);   // the same decoder, fed the same skip widths
        Assert.True(frames.GmacsPerClip > 0.1, $"{frames.GmacsPerClip} GMAC: a layer does not count itself");
        Assert.Contains("Stage_5.temporal", frames.Endpoints.Keys);
        Assert.Equal(new long[] { 384, 2, 2, 2 }, frames.Endpoints["Stage_5.temporal"]);
        // The training preset of the same name is cpu-small's recipe with this model.
        TrainingConfig recipe = TrainingPresets.Get("cpu-small-2d");
        Assert.Equal(ModelPresets.Get("cpu-small-2d"), recipe.Model);
        Assert.Equal(JsonDefaults.Serialize(TrainingPresets.Get("cpu-small") with { Model = recipe.Model }), JsonDefaults.Serialize(recipe));
    }

    [Fact]
    public void Mac_count_of_a_2D_unit_and_a_temporal_convolution_match_their_shapes()
    {
        using var unit = new Unit2D(4, 6, 3, stride: 2);
        using (var counter = new MacCounter(unit))
        using (var y = unit.call(torch.zeros(new long[] { 3, 4, 10, 10 })))
            Assert.Equal(3.0 * 6 * 5 * 5 * 4 * 9, counter.Macs);
        using var mixing = new TemporalMixing(6, 2, 0.1);
        var closed = new MacCounter(mixing);
        using (closed)
        using (var y = mixing.call(torch.zeros(new long[] { 1, 6, 4, 5, 5 })))
            Assert.Equal(6.0 * 2 * 5 * 5 * 6 * 3, closed.Macs);
        using (var y = mixing.call(torch.zeros(new long[] { 1, 6, 4, 5, 5 })))
            Assert.Equal(6.0 * 2 * 5 * 5 * 6 * 3, closed.Macs);   // a closed counter's hooks are removed
    }

    [Fact]
    public void A_checkpoint_round_trips_and_refuses_to_load_into_an_I3D_model_naming_the_encoder()
    {
        using var dir = new TempDir();
        ModelConfig config = Deep2d with { CorrectionSteps = 1 };
        torch.manual_seed(7);
        using var model = CentrifugeModel.Create(config);
        using (torch.no_grad())   // one training-mode forward moves the batch-norm statistics off their defaults
        using (var warm = torch.rand(new long[] { 2, 3, 8, 32, 32 }))
            model.forward(warm).Dispose();
        model.eval();
        string path = dir.File("frames.ckpt");
        ModelCheckpoint.Save(model, path);

        Assert.Equal(config, ModelCheckpoint.ReadConfig(path));
        using var loaded = ModelCheckpoint.Load(path);
        loaded.eval();
        using (var noGrad = torch.no_grad())
        using (var x = torch.rand(new long[] { 1, 3, 9, 33, 31 }) * 2 - 1)
        using (var a = model.forward(x))
        using (var b = loaded.forward(x))
            Assert.True(torch.eq(a, b).all().item<bool>());

        using var i3d = CentrifugeModel.Create(config with { Encoder = EncoderKind.I3d });
        var e = Assert.Throws<CentrifugeException>(() => ModelCheckpoint.LoadInto(i3d, path));
        Assert.Equal(ExitCodes.IncompatibleModel, e.ExitCode);
        Assert.Contains("encoder: checkpoint \"frame2d\", model \"i3d\"", e.Message);
    }

    [Fact]
    public void A_config_without_the_encoder_field_is_I3D_and_frame2d_is_spelled_so_in_JSON()
    {
        ModelConfig cpuSmall = ModelPresets.Get("cpu-small");
        string json = JsonDefaults.Serialize(cpuSmall);
        Assert.Contains("\"encoder\": \"i3d\"", json);
        string old = string.Join('\n', json.Split('\n').Where(line => !line.Contains("\"encoder\"")));
        Assert.DoesNotContain("encoder", old);

        ModelConfig read = JsonDefaults.Deserialize<ModelConfig>(old);

        Assert.Equal(EncoderKind.I3d, read.Encoder);
        Assert.Equal(cpuSmall, read);
        Assert.NotEqual(cpuSmall, cpuSmall with { Encoder = EncoderKind.Frame2d });
        Assert.Contains("\"encoder\": \"frame2d\"", JsonDefaults.Serialize(ModelPresets.Get("cpu-small-2d")));
        Assert.Equal(EncoderKind.Frame2d, JsonDefaults.Deserialize<ModelConfig>(json.Replace("\"i3d\"", "\"frame2d\"")).Encoder);

        // The training configs in the repository predate the field: they still mean I3D.
        TrainingConfig shipped = TrainingConfig.Load(Path.Combine(Repo.Root, "configs", "cpu-small-default.json"));
        Assert.Equal(EncoderKind.I3d, shipped.Model.Encoder);

        // The recipe variant for scripts/train-variants.sh is the baseline with this one change.
        string Config(params string[] parts) => Path.Combine([Repo.Root, "configs", .. parts]);
        TrainingConfig baseline = TrainingConfig.Load([Config("cpu-small-default.json"), Config("variants", "baseline.json")]);
        TrainingConfig frames = TrainingConfig.Load([Config("cpu-small-default.json"), Config("variants", "baseline.json"), Config("variants", "frame2d.json")]);
        Assert.Equal(["model.encoder: \"i3d\" -> \"frame2d\""], ConfigDifferences.Describe(baseline, frames));
    }

    [SkippableFact]
    public void The_shipped_checkpoint_written_before_the_field_loads_as_I3D()
    {
        string checkpoint = Path.Combine(Repo.Root, "models", "centrifuge-cpu-small.ckpt");
        Skip.IfNot(File.Exists(checkpoint), "models/centrifuge-cpu-small.ckpt is not in this checkout");
        using CentrifugeModel model = ModelCheckpoint.Load(checkpoint);
        Assert.Equal(EncoderKind.I3d, model.Config.Encoder);
        Assert.IsType<I3dEncoder>(model.Predictor.Encoder);
    }

    [Fact]
    public void Model_info_shows_the_cpu_small_2d_preset_with_its_multiply_adds()
    {
        CliResult info = CliRunner.Run("model-info", "--preset", "cpu-small-2d", "--clip", "16,64,64");
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Contains("GMAC per clip of 16x64x64", info.Output);
        Assert.Contains("Stage_1.spatial", info.Output);
        Assert.Contains("Stage_5.temporal", info.Output);
    }
}

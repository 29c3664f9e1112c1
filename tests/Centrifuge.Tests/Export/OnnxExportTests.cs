using Centrifuge.Export;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Losses;
using Centrifuge.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Export;

/// <summary>
/// The ONNX export, run in OnnxRuntime and compared with TorchSharp's forward on real sample clips: every decoder
/// up-sampling kind, predictor-corrector models, the shipped model, dynamic sizes and batch, and a changed weight that
/// the comparison must catch.
/// </summary>
public class OnnxExportTests
{
    private const string RealClip = "python3-imageio/realshort.mp4";

    public OnnxExportTests() => TorchRuntime.EnsureLoaded();

    [SkippableTheory]
    [InlineData(DecoderUpsampling.SubPixel, 0, false)]
    [InlineData(DecoderUpsampling.TransposedK2, 0, false)]
    [InlineData(DecoderUpsampling.TransposedK4, 0, false)]
    [InlineData(DecoderUpsampling.TransposedK3, 0, false)]
    [InlineData(DecoderUpsampling.NearestConv, 0, false)]
    [InlineData(DecoderUpsampling.TrilinearConv, 0, false)]
    [InlineData(DecoderUpsampling.SubPixel, 1, false)]
    [InlineData(DecoderUpsampling.SubPixel, 2, true)]
    [InlineData(DecoderUpsampling.SubPixel, 0, false, true)]
    public void A_tiny_model_in_OnnxRuntime_gives_TorchSharps_layers_on_a_real_clip(DecoderUpsampling kind, int correctors, bool seesInput,
        bool mixtureConsistency = false)
    {
        // 11 frames of 42 x 42: neither is a multiple of the tiny model's total stride (2, 8), so the graph pads at run time.
        using Tensor clip = RealClipBatch(frames: 11, size: 42);
        using CentrifugeModel model = RandomModel(ModelPresets.Get("tiny") with
        {
            Upsampling = kind, CorrectionSteps = correctors, CorrectorSeesInput = seesInput, MixtureConsistency = mixtureConsistency,
        }, seed: 7);
        using var dir = new TempDir();
        string onnx = dir.File("tiny.onnx");
        OnnxExporter.Write(model, onnx);

        AssertMatches(model, onnx, clip);
    }

    [SkippableFact]
    public void The_shipped_model_in_OnnxRuntime_gives_TorchSharps_layers_on_a_real_clip()
    {
        string checkpoint = Path.Combine(Repo.Root, "models", "centrifuge-cpu-small.ckpt");
        Skip.IfNot(File.Exists(checkpoint), "models/centrifuge-cpu-small.ckpt is not in this checkout");
        using Tensor clip = RealClipBatch(frames: 12, size: 72);   // cpu-small's total stride is (8, 32): padded to 16 x 96 x 96
        using CentrifugeModel model = ModelCheckpoint.Load(checkpoint);
        using var dir = new TempDir();
        string onnx = dir.File("cpu-small.onnx");

        CliResult result = CliRunner.Run("export", "--model", checkpoint, "--onnx", onnx);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("max |difference|", result.Output);
        AssertMatches(model, onnx, clip);
    }

    [SkippableFact]
    public void One_exported_file_runs_any_batch_and_clip_size()
    {
        using CentrifugeModel model = RandomModel(ModelPresets.Get("tiny") with { Layers = 3 }, seed: 3);
        using var dir = new TempDir();
        string onnx = dir.File("tiny.onnx");
        OnnxExporter.Write(model, onnx);
        using Tensor real = RealClipBatch(frames: 16, size: 40);
        using Tensor pair = torch.cat([real, real.flip(4)], 0);                         // batch of 2
        using Tensor small = real[.., .., ..3, 3..20, 5..27].contiguous();             // 3 x 17 x 22
        using Tensor one = real[.., .., ..1, ..1, ..1].contiguous();                   // a single pixel of one frame

        foreach (Tensor clip in new[] { pair, small, one })
            AssertMatches(model, onnx, clip);
    }

    [SkippableFact]
    public void A_weight_changed_after_export_is_caught_by_the_comparison()
    {
        using Tensor clip = RealClipBatch(frames: 8, size: 32);
        using CentrifugeModel model = RandomModel(ModelPresets.Get("tiny"), seed: 11);
        using var dir = new TempDir();
        string onnx = dir.File("tiny.onnx");
        OnnxExporter.Write(model, onnx);
        Assert.True(OnnxExport.MaxDifference(model, onnx, clip) <= OnnxExport.Tolerance);

        using (torch.no_grad())
            model.parameters().First().add_(0.05);

        Assert.True(OnnxExport.MaxDifference(model, onnx, clip) > OnnxExport.Tolerance);
    }

    [SkippableFact]
    public void The_file_records_the_models_config_and_the_session_reads_it()
    {
        ModelConfig config = ModelPresets.Get("tiny") with { Layers = 4, CorrectionSteps = 1 };
        using CentrifugeModel model = RandomModel(config, seed: 2);
        using var dir = new TempDir();
        string onnx = dir.File("tiny.onnx");
        OnnxExporter.Write(model, onnx);

        using OnnxLayersSession session = OnnxLayersSession.Load(onnx);

        Assert.Equal(config, session.Config);
    }

    [SkippableFact]
    public void The_file_carries_the_training_scale_and_separate_runs_the_onnx_file_at_it_as_libtorch_runs_the_checkpoint()
    {
        using var dir = new TempDir();
        string checkpoint = dir.File("scaled.ckpt"), onnx = dir.File("scaled.onnx");
        using (CentrifugeModel model = RandomModel(ModelPresets.Get("tiny"), seed: 4))
            ModelCheckpoint.Save(model, checkpoint, new TrainingScale(8, 24, 24, 24), new StrengthSetting(0.75));
        CliResult export = CliRunner.Run("export", "--model", checkpoint, "--onnx", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Equal(new TrainingScale(8, 24, 24, 24), OnnxExporter.ReadTrainingScale(onnx));
        Assert.Equal(24, Centrifuge.Inference.Separation.SeparationOptions.ShortSideFor(onnx, null));
        // The default strength travels with it, and separate uses it for the .onnx file as for the checkpoint.
        Assert.Equal(new StrengthSetting(0.75), OnnxExporter.ReadStrength(onnx));
        Assert.Equal(new StrengthSetting(0.75), Centrifuge.Inference.Separation.SeparationOptions.StrengthFor(onnx, null));

        string clip = Centrifuge.Tests.Data.Support.TestClips.Video(dir.File("clip.mkv"), "mandelbrot", 80, 48, 10);
        int PreviewHeight(string model, string output)
        {
            CliResult r = CliRunner.Run("separate", clip, "-o", output, "--model", model, "--window", "8", "--overlap", "2", "--threads", "1");
            Assert.True(r.ExitCode == 0, r.Error);
            string preview = Directory.GetFiles(output, "preview.mp4", SearchOption.AllDirectories).Single();
            Assert.Contains("\"strength\": 0.75", File.ReadAllText(Directory.GetFiles(output, "summary.json", SearchOption.AllDirectories).Single()));
            return Centrifuge.Video.VideoProbe.Probe(preview).Height;   // the grid is at processing size
        }
        int libtorch = PreviewHeight(checkpoint, dir.File("torch-out"));
        Assert.Equal(libtorch, PreviewHeight(onnx, dir.File("onnx-out")));
        Assert.True(libtorch < 48 * 2, $"preview height {libtorch}: processed at the clip's own 48, not the trained 24");
    }

    [Fact]
    public void Export_refuses_an_existing_file_without_force_and_a_missing_checkpoint_in_one_line()
    {
        using var dir = new TempDir();
        string onnx = dir.File("model.onnx");
        File.WriteAllText(onnx, "mine");
        string checkpoint = dir.File("tiny.ckpt");
        torch.manual_seed(1);
        using (CentrifugeModel model = CentrifugeModel.Create(ModelPresets.Get("tiny"))) ModelCheckpoint.Save(model, checkpoint);

        CliResult refused = CliRunner.Run("export", "--model", checkpoint, "--onnx", onnx);
        Assert.Equal(ExitCodes.OutputExists, refused.ExitCode);
        Assert.Contains("--force", refused.Error);
        Assert.Equal("mine", File.ReadAllText(onnx));

        CliResult missing = CliRunner.Run("export", "--model", dir.File("nope.ckpt"), "--onnx", dir.File("other.onnx"));
        Assert.Equal(ExitCodes.MissingInput, missing.ExitCode);
        Assert.Single(missing.Error.Trim().Split('\n'));
        Assert.False(File.Exists(dir.File("other.onnx")));

        CliResult replaced = CliRunner.Run("export", "--model", checkpoint, "--onnx", onnx, "--force");
        Assert.True(replaced.ExitCode == 0, replaced.Error);
        Assert.True(new FileInfo(onnx).Length > 10_000);
        Assert.Equal(new[] { "model.onnx", "tiny.ckpt" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());   // no temporary left
    }

    // OnnxRuntime's layers equal TorchSharp's within the export tolerance, and are not trivially small.
    private static void AssertMatches(CentrifugeModel model, string onnx, Tensor clip)
    {
        using var scope = torch.NewDisposeScope();
        using var runner = new InferenceModel(model);
        Tensor expected = runner.Run(clip);
        using OnnxLayersSession session = OnnxLayersSession.Load(onnx);
        Tensor actual = session.Run(clip);
        Assert.Equal(expected.shape, actual.shape);
        double difference = (actual - expected).abs().max().item<float>();
        Assert.True(difference <= OnnxExport.Tolerance, $"max |ONNX - TorchSharp| = {difference:E3} on [{string.Join(", ", clip.shape)}]");
        Assert.True(expected.std().item<float>() > 1e-3, "the reference layers are flat: the comparison would prove nothing");
    }

    // Random weights and random statistics in every BatchNorm, 2D or 3D (fresh ones are the identity, which would hide
    // a wrong mapping).
    internal static CentrifugeModel RandomModel(ModelConfig config, int seed)
    {
        torch.manual_seed(seed);
        var model = CentrifugeModel.Create(config);
        using (torch.no_grad())
            foreach (BatchNorm bn in model.modules().OfType<BatchNorm>())
            {
                long c = bn.running_mean!.shape[0];
                bn.running_mean.copy_(torch.randn(c) * 0.2);
                bn.running_var!.copy_(torch.rand(c) + 0.5);
                bn.weight!.copy_(torch.rand(c) + 0.5);
                bn.bias!.copy_(torch.randn(c) * 0.2);
            }
        model.eval();
        return model;
    }

    // [1, 3, frames, size, size] in [-1, 1] from a real sample video.
    private static Tensor RealClipBatch(int frames, int size)
    {
        string path = Repo.RequireSample(RealClip);
        using Tensor clip = SampleClips.Decode(path, frames, size);
        return clip.unsqueeze(0);
    }
}

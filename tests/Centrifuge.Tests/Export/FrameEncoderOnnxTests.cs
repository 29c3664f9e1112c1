using Centrifuge.Export;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Export;

/// <summary>
/// ONNX export of models with the per-frame 2D encoder (model.encoder = frame2d), run in OnnxRuntime and compared with
/// TorchSharp on clips whose sizes are not multiples of the total stride; and `centrifuge export` end to end.
/// </summary>
public class FrameEncoderOnnxTests
{
    public FrameEncoderOnnxTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(I3dEndpoint.Mixed_3c, 0, false, false)]
    [InlineData(I3dEndpoint.Mixed_5c, 0, false, false)]
    [InlineData(I3dEndpoint.Mixed_3c, 1, true, false)]
    [InlineData(I3dEndpoint.Mixed_3c, 0, false, true)]
    public void OnnxRuntime_gives_TorchSharps_layers(I3dEndpoint endpoint, int correctors, bool seesInput, bool mixtureConsistency)
    {
        using CentrifugeModel model = OnnxExportTests.RandomModel(new ModelConfig
        {
            Encoder = EncoderKind.Frame2d, Endpoint = endpoint, Width = 0.0625, DecoderChannels = [16, 16, 16, 16, 16],
            CorrectionSteps = correctors, CorrectorSeesInput = seesInput, MixtureConsistency = mixtureConsistency,
        }, seed: 5);
        using var dir = new TempDir();
        string onnx = dir.File("frames.onnx");
        OnnxExporter.Write(model, onnx);

        // 11 x 42 x 38 and a batch of 2 x 3 x 17 x 9: sizes the graph must pad at run time, and dynamic batch and size.
        foreach (long[] shape in new[] { new long[] { 1, 3, 11, 42, 38 }, [2, 3, 3, 17, 9] })
        {
            torch.manual_seed(6);
            using Tensor clip = torch.rand(shape) * 2 - 1;
            double difference = OnnxExport.MaxDifference(model, onnx, clip);
            Assert.True(difference <= OnnxExport.Tolerance, $"max |ONNX - TorchSharp| = {difference:E3} on [{string.Join(", ", shape)}]");
        }

        using (torch.no_grad())   // a changed 2D weight must show: the comparison is not vacuous
            model.Predictor.Encoder.parameters().First().add_(0.05);
        using Tensor check = torch.rand(new long[] { 1, 3, 11, 42, 38 }) * 2 - 1;
        Assert.True(OnnxExport.MaxDifference(model, onnx, check) > OnnxExport.Tolerance);
    }

    [Fact]
    public void Export_writes_a_verified_file_for_a_frame2d_checkpoint()
    {
        using var dir = new TempDir();
        string checkpoint = dir.File("frames.ckpt");
        using (CentrifugeModel model = OnnxExportTests.RandomModel(ModelPresets.Get("tiny") with { Encoder = EncoderKind.Frame2d }, seed: 8))
            ModelCheckpoint.Save(model, checkpoint);
        string onnx = dir.File("frames.onnx");

        CliResult result = CliRunner.Run("export", "--model", checkpoint, "--onnx", onnx);

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("max |difference|", result.Output);
        using OnnxLayersSession session = OnnxLayersSession.Load(onnx);
        Assert.Equal(EncoderKind.Frame2d, session.Config.Encoder);
    }
}

using Centrifuge.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Export;

/// <summary>What `centrifuge export` wrote, and how closely OnnxRuntime reproduced TorchSharp on the check clip.</summary>
public sealed record OnnxExportResult(string Checkpoint, string OnnxPath, long Bytes, int Opset, long Parameters,
    int[] CheckClip, double MaxAbsDifference);

/// <summary>
/// `centrifuge export`: a checkpoint to an ONNX file that is proven before it is kept. The graph is written under a
/// temporary name, run in OnnxRuntime on a deterministic check clip whose size is not a multiple of the encoder's
/// stride (so the run-time padding is exercised), and renamed into place only if its layers match TorchSharp's within
/// <see cref="Tolerance"/>.
/// </summary>
public static class OnnxExport
{
    /// <summary>Largest accepted |OnnxRuntime - TorchSharp| over every output value (outputs are on the [-1, 1] scale).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>T, H, W of the check clip: deliberately not multiples of any total stride.</summary>
    public static readonly int[] CheckClipSize = [9, 37, 50];

    public static OnnxExportResult Run(string checkpoint, string onnxPath, bool force)
    {
        string full = AtomicFile.CheckFileTarget(onnxPath, force, "an .onnx file path");

        using CentrifugeModel model = ModelCheckpoint.Load(checkpoint);
        model.eval();
        double difference = double.NaN;
        AtomicFile.Produce(full, temp =>   // renamed into place only once OnnxRuntime agrees with TorchSharp
        {
            // separate runs it at that scale, and at that strength unless told otherwise
            OnnxExporter.Write(model, temp, ModelCheckpoint.ReadTrainingScale(checkpoint), ModelCheckpoint.ReadStrength(checkpoint));
            difference = MaxDifference(model, temp, CheckClip());
            if (!(difference <= Tolerance))
                throw new CentrifugeException(
                    $"{onnxPath}: OnnxRuntime's layers differ from TorchSharp's by {difference:E2} (> {Tolerance:E0}) on the check clip; nothing written",
                    ExitCodes.Internal);
        }, overwrite: force, extension: ".onnx");
        long parameters = model.parameters().Sum(p => p.numel());
        return new OnnxExportResult(checkpoint, onnxPath, new FileInfo(full).Length, OnnxExporter.Opset, parameters,
            CheckClipSize, difference);
    }

    /// <summary>max |OnnxRuntime - TorchSharp| of the layers of <paramref name="video"/> [B, 3, T, H, W].</summary>
    public static double MaxDifference(CentrifugeModel model, string onnxPath, Tensor video)
    {
        using var scope = torch.NewDisposeScope();
        using var runner = new InferenceModel(model);
        Tensor expected = runner.Run(video);
        using OnnxLayersSession session = OnnxLayersSession.Load(onnxPath);
        Tensor actual = session.Run(video);
        if (!actual.shape.SequenceEqual(expected.shape))
            throw new InvalidOperationException(
                $"{onnxPath}: ONNX layers [{string.Join(", ", actual.shape)}], TorchSharp's [{string.Join(", ", expected.shape)}]");
        return (actual - expected).abs().max().item<float>();
    }

    // [1, 3, T, H, W] in [-1, 1]: smooth gradients plus seeded noise, the same on every machine.
    private static Tensor CheckClip()
    {
        using var scope = torch.NewDisposeScope();
        (int t, int h, int w) = (CheckClipSize[0], CheckClipSize[1], CheckClipSize[2]);
        using var generator = new Generator(20191017);
        Tensor ramp = torch.linspace(-1, 1, w).view(1, 1, 1, 1, w) * torch.linspace(-0.5, 0.5, h).view(1, 1, 1, h, 1);
        Tensor clip = ramp.expand(1, 3, t, h, w).Times(0.5).Plus(torch.rand([1, 3, t, h, w], generator: generator).Times(2).Minus(1).Times(0.5));
        return clip.contiguous().MoveToOuterDisposeScope();
    }
}

using System.Security.Cryptography;
using System.Text;
using Centrifuge.Export;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Onnx;

namespace Centrifuge.Tests.Export;

/// <summary>
/// The exported graph's structure, pinned as it was built on 2026-12-04 (before each module's ONNX form moved beside
/// its forward): every node's operator, name, inputs, outputs and attributes, every initializer's name, type and
/// dimensions and the values of the constants (not the weights' values: those the numeric checks of
/// <see cref="OnnxExportTests"/> compare). The same fingerprint means the same graph.
/// </summary>
public class OnnxGraphShapeTests
{
    public OnnxGraphShapeTests() => TorchRuntime.EnsureLoaded();

    public static TheoryData<string, ModelConfig, string> Models => new()
    {
        { "tiny", ModelPresets.Get("tiny"), "453713edcce449d8" },
        { "tiny transposed-k2", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.TransposedK2 }, "46045b11c694c0f4" },
        { "tiny transposed-k4", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.TransposedK4 }, "f41a62dc7d7c65d4" },
        { "tiny transposed-k3", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.TransposedK3 }, "316646db1de1e952" },
        { "tiny nearest", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.NearestConv }, "5dc0a82514e58766" },
        { "tiny trilinear", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.TrilinearConv }, "c5fc22f72717977c" },
        { "tiny 2 correctors seeing the input", ModelPresets.Get("tiny") with { CorrectionSteps = 2, CorrectorSeesInput = true }, "2b9636ed9e1b2b01" },
        { "tiny mixture consistency", ModelPresets.Get("tiny") with { MixtureConsistency = true }, "2ad2184dc9b1a60c" },
        { "cpu-small", ModelPresets.Get("cpu-small"), "ac3382e542f64614" },
        { "tiny frame2d mixed_5c 1 corrector", ModelPresets.Get("tiny") with { Encoder = EncoderKind.Frame2d, Endpoint = I3dEndpoint.Mixed_5c, CorrectionSteps = 1 }, "45c8c7d85c5fb1e8" },
        { "cpu-small-2d", ModelPresets.Get("cpu-small-2d"), "d65b86caefe45464" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void The_exported_graph_is_unchanged(string name, ModelConfig config, string fingerprint)
    {
        using CentrifugeModel model = CentrifugeModel.Create(config);
        model.eval();
        string actual = Fingerprint(OnnxExporter.Build(model, new TrainingScale(16, 64, 64, 64)));
        Assert.True(fingerprint == actual, $"{name}: graph fingerprint {actual}, pinned {fingerprint}");
    }

    private static string Fingerprint(ModelProto proto)
    {
        var text = new StringBuilder();
        text.AppendLine($"{proto.IrVersion} {proto.ProducerName} {proto.DocString} {string.Join(",", proto.OpsetImport.Select(o => o.Version))}");
        foreach (StringStringEntryProto entry in proto.MetadataProps) text.AppendLine($"{entry.Key}={entry.Value}");
        GraphProto graph = proto.Graph;
        foreach (ValueInfoProto value in graph.Input.Concat(graph.Output)) text.AppendLine(value.ToString());
        foreach (NodeProto node in graph.Node) text.AppendLine(node.ToString());
        foreach (TensorProto tensor in graph.Initializer)
            text.AppendLine($"{tensor.Name} {tensor.DataType} [{string.Join(",", tensor.Dims)}] {string.Join(",", tensor.Int64Data)} {string.Join(",", tensor.FloatData)} {tensor.RawData.Length}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}

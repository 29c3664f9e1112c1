using Centrifuge.Models;
using Google.Protobuf;
using Onnx;

namespace Centrifuge.Export;

/// <summary>
/// Writes a <see cref="CentrifugeModel"/> as an ONNX graph (opset 17), since TorchSharp has no ONNX export. Input
/// "video" [batch, 3, time, height, width] in [-1, 1], output "layers" [batch, n, 3, time, height, width]; batch, time,
/// height and width are dynamic. The graph does what <see cref="CentrifugeModel.forward"/> does in eval mode: each
/// module writes its own ONNX form, beside its forward (<see cref="CentrifugeModel.ToOnnx"/>, <see cref="IOnnxLayer"/>:
/// I3D's SAME padding as constant pads, the 2D encoder's convolutions as 1 x k x k Convs on the unfolded video, batch
/// norm as BatchNormalization with the running statistics, sub-pixel up-sampling as Conv + Reshape/Transpose/Reshape).
/// The model's <see cref="ModelConfig"/> is stored as JSON in the metadata property "centrifuge_config", and the
/// scale it was trained at (<see cref="TrainingScale"/>, when the checkpoint records one) in "centrifuge_trained_at",
/// and its default strength (<see cref="StrengthSetting"/>, when the checkpoint records one) in "centrifuge_strength".
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 17;
    public const string InputName = "video";
    public const string OutputName = "layers";
    public const string ConfigKey = "centrifuge_config";
    public const string TrainedAtKey = "centrifuge_trained_at";
    public const string StrengthKey = "centrifuge_strength";

    /// <summary>The ONNX model of <paramref name="model"/> (its weights as they are now, in eval-mode semantics).</summary>
    public static ModelProto Build(CentrifugeModel model, TrainingScale? trainedAt = null, StrengthSetting? strength = null)
    {
        var g = new OnnxGraph();
        ModelConfig config = model.Config;
        g.Proto.Input.Add(OnnxGraph.Value(InputName, "batch", 3, "time", "height", "width"));
        model.ToOnnx(g, InputName, OutputName);
        g.Proto.Output.Add(OnnxGraph.Value(OutputName, "batch", config.Layers, 3, "time", "height", "width"));

        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "centrifuge",
            DocString = "The Visual Centrifuge: video [B, 3, T, H, W] in [-1, 1] -> layers [B, n, 3, T, H, W]",
            Graph = g.Proto,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = ConfigKey, Value = JsonDefaults.Serialize(config) });
        if (trainedAt is not null)
            proto.MetadataProps.Add(new StringStringEntryProto { Key = TrainedAtKey, Value = JsonDefaults.Serialize(trainedAt) });
        if (strength is not null)
            proto.MetadataProps.Add(new StringStringEntryProto { Key = StrengthKey, Value = JsonDefaults.Serialize(strength) });
        return proto;
    }

    /// <summary>Writes the ONNX file (temporary name, then renamed; overwrites: callers check --force).</summary>
    public static void Write(CentrifugeModel model, string path, TrainingScale? trainedAt = null, StrengthSetting? strength = null)
    {
        ModelProto proto = Build(model, trainedAt, strength);
        try
        {
            AtomicFile.Write(path, stream => proto.WriteTo(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CentrifugeException($"{path}: cannot write the ONNX file: {e.Message}", ExitCodes.WriteFailed, e);
        }
    }

    /// <summary>
    /// The training scale an exported file records, or null (exported before it was stored, or from a checkpoint that
    /// has none). Reads the metadata only: the weights are skipped, not parsed.
    /// </summary>
    public static TrainingScale? ReadTrainingScale(string path) => ReadMetadata<TrainingScale>(path, TrainedAtKey);

    /// <summary>The default strength an exported file records, or null (none recorded); the metadata only, as <see cref="ReadTrainingScale"/>.</summary>
    public static StrengthSetting? ReadStrength(string path) => StrengthSetting.Recorded(ReadMetadata<StrengthSetting>(path, StrengthKey), path);

    // The JSON value of metadata property `key`, or null when the file has none.
    private static T? ReadMetadata<T>(string path, string key) where T : class
    {
        if (!File.Exists(path)) return null;   // loading it says what is wrong
        try
        {
            using FileStream file = File.OpenRead(path);
            using var input = new CodedInputStream(file);
            const int metadataField = 14;   // ModelProto.metadata_props
            for (uint tag; (tag = input.ReadTag()) != 0;)
            {
                if (WireFormat.GetTagFieldNumber(tag) != metadataField) { input.SkipLastField(); continue; }
                var entry = new StringStringEntryProto();
                input.ReadMessage(entry);
                if (entry.Key == key) return JsonDefaults.Deserialize<T>(entry.Value);
            }
            return null;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or System.Text.Json.JsonException)
        {
            throw new CentrifugeException($"{path}: not a readable ONNX file ({e.Message})", ExitCodes.InvalidInput, e);
        }
    }
}

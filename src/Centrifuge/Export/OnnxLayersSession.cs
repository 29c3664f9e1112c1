using Centrifuge.Models;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Export;

/// <summary>
/// An exported Centrifuge ONNX file running in OnnxRuntime on the CPU, with the same contract as the TorchSharp
/// model: video [B, 3, T, H, W] float32 in [-1, 1] -> layers [B, n, 3, T, H, W] float32.
/// </summary>
public sealed class OnnxLayersSession : IDisposable
{
    private readonly InferenceSession _session;

    public string Path { get; }

    /// <summary>The model's config, read from the file's "centrifuge_config" metadata.</summary>
    public ModelConfig Config { get; }

    /// <summary>OnnxRuntime's intra-op threads as the session options it was built with say (0 = OnnxRuntime's default: one per core).</summary>
    public int IntraOpThreads { get; }

    private OnnxLayersSession(InferenceSession session, string path, ModelConfig config, int intraOpThreads)
    {
        _session = session;
        Path = path;
        Config = config;
        IntraOpThreads = intraOpThreads;
    }

    /// <param name="threads">OnnxRuntime's intra-op threads (0 = its default: one per core)</param>
    public static OnnxLayersSession Load(string path, int threads = 0)
    {
        if (Directory.Exists(path) || !File.Exists(path))
            throw new CentrifugeException($"{path}: no such ONNX file", ExitCodes.MissingInput);
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,   // failures surface as exceptions, not as log lines
        };
        InferenceSession session;
        int intraOpThreads = options.IntraOpNumThreads;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new CentrifugeException($"{path}: OnnxRuntime cannot load it: {FirstLine(e.Message)}", ExitCodes.InvalidInput, e);
        }
        finally
        {
            options.Dispose();
        }
        if (!session.ModelMetadata.CustomMetadataMap.TryGetValue(OnnxExporter.ConfigKey, out string? json))
        {
            session.Dispose();
            throw new CentrifugeException($"{path}: not a Centrifuge ONNX export (no {OnnxExporter.ConfigKey} metadata)", ExitCodes.InvalidInput);
        }
        return new OnnxLayersSession(session, path, JsonDefaults.Deserialize<ModelConfig>(json), intraOpThreads);
    }

    // [B, 3, T, H, W] float32 in [-1, 1] -> [B, n, 3, T, H, W] float32 on the CPU
    public Tensor Run(Tensor video)
    {
        if (video.dim() != 5 || video.shape[1] != 3)
            throw new ArgumentException($"expected a video [B, 3, T, H, W], got [{string.Join(", ", video.shape)}]");
        float[] data;
        using (var scope = torch.NewDisposeScope())
            data = video.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(data, video.shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs =
            _session.Run(runOptions, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        OrtValue layers = outputs[0];
        long[] shape = layers.GetTensorTypeAndShape().Shape;
        return torch.tensor(layers.GetTensorDataAsSpan<float>().ToArray(), shape);
    }

    public void Dispose() => _session.Dispose();

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}

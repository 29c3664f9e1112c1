using Centrifuge.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>
/// A model for `separate --runtime onnx`: OnnxRuntime on the CPU instead of libtorch (measured faster on this CPU:
/// docs/BENCHMARKS.md, ## ONNX runtime). Takes an exported .onnx file as it is, or a checkpoint, which is exported to a
/// temporary file and checked against TorchSharp first (<see cref="OnnxExport"/>). fp32 only.
/// </summary>
public sealed class OnnxSeparationModel : IDisposable
{
    private readonly OnnxLayersSession _session;

    public string Model { get; }

    private OnnxSeparationModel(OnnxLayersSession session, string model)
    {
        _session = session;
        Model = model;
    }

    /// <summary>OnnxRuntime's intra-op threads, as the session was built with them.</summary>
    public int IntraOpThreads => _session.IntraOpThreads;

    /// <param name="model">a .onnx file from `centrifuge export`, or a model checkpoint</param>
    /// <param name="threads">OnnxRuntime's intra-op threads (<see cref="Runtime.ComputeOptions.ResolvedThreads"/>)</param>
    public static OnnxSeparationModel Load(string model, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            return new OnnxSeparationModel(OnnxLayersSession.Load(model, threads), model);

        string folder = Directory.CreateTempSubdirectory("centrifuge-onnx-").FullName;
        try
        {
            string onnx = Path.Combine(folder, "model.onnx");
            OnnxExport.Run(model, onnx, force: false);
            return new OnnxSeparationModel(OnnxLayersSession.Load(onnx, threads), model);   // the session holds the graph in memory
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>[B, 3, T, H, W] float32 in [-1, 1] -> [B, n, 3, T, H, W] float32 on the CPU.</summary>
    public Tensor Separate(Tensor video) => _session.Run(video);

    public void Dispose() => _session.Dispose();
}

using Centrifuge.Runtime;

namespace Centrifuge.Inference.Separation;

/// <summary>Which engine runs the model in `separate`: libtorch through TorchSharp (default), or OnnxRuntime's CPU provider.</summary>
public enum SeparationRuntime
{
    Torch,
    Onnx,
}

/// <summary>Loads the model of `separate` in the chosen runtime, as one function [1, 3, T, H, W] -> [1, n, 3, T, H, W].</summary>
public static class SeparationRuntimes
{
    public static SeparationRuntime Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "torch" or "libtorch" => SeparationRuntime.Torch,
        "onnx" or "onnxruntime" => SeparationRuntime.Onnx,
        _ => throw new OptionException("runtime", text, "expected torch or onnx"),
    };

    /// <summary>
    /// The model's separate function and what to dispose when done, computing as <paramref name="compute"/> says: the
    /// one place a separation's thread count is applied, to libtorch and to the OnnxRuntime session alike. OnnxRuntime
    /// runs fp32 on the CPU only (a .onnx model file implies it).
    /// </summary>
    public static (Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Separate, IDisposable Owner) Load(
        string model, SeparationRuntime runtime, ComputeOptions compute)
    {
        bool onnxFile = model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        if (runtime == SeparationRuntime.Torch && !onnxFile)
        {
            var torchModel = Models.InferenceModel.Load(model, compute.Apply(), compute.Precision);
            return (torchModel.Separate, torchModel);
        }
        compute.ApplyThreads();   // libtorch still converts the tensors (and checks a checkpoint's export)
        if (!compute.Device.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase))
            throw new OptionException("device", compute.Device, "the onnx runtime runs on the CPU only here (use the torch runtime)");
        if (compute.Precision != Precision.Fp32)
            throw new OptionException("precision", compute.Precision.ToString().ToLowerInvariant(), "the onnx runtime runs fp32 only (use the torch runtime for bf16)");
        OnnxSeparationModel onnxModel = OnnxSeparationModel.Load(model, compute.ResolvedThreads);
        return (onnxModel.Separate, onnxModel);
    }
}

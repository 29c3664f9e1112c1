
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
    /// The model's separate function and what to dispose when done. OnnxRuntime runs fp32 on the CPU only (a .onnx
    /// model file implies it).
    /// </summary>
    public static (Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Separate, IDisposable Owner) Load(
        string model, string runtime, string device, string precision)
    {
        Runtime.TorchRuntime.EnsureLoaded();
        bool onnxFile = model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
        if (Parse(runtime) == SeparationRuntime.Torch && !onnxFile)
        {
            Precision parsed = Precisions.Parse(precision);
            Runtime.KernelGuard.RequireInference(parsed == Precision.Bf16, device);
            var torchModel = Models.InferenceModel.Load(model, Runtime.TorchRuntime.ResolveDevice(device), parsed);
            return (torchModel.Separate, torchModel);
        }
        if (!device.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase))
            throw new OptionException("device", device, "the onnx runtime runs on the CPU only here (use the torch runtime)");
        if (Precisions.Parse(precision) != Precision.Fp32)
            throw new OptionException("precision", precision, "the onnx runtime runs fp32 only (use the torch runtime for bf16)");
        OnnxSeparationModel onnxModel = OnnxSeparationModel.Load(model);
        return (onnxModel.Separate, onnxModel);
    }
}

using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference;

/// <summary>
/// A checkpoint loaded for separation: on a device, in eval mode, run under no_grad, in fp32 or bf16 (bf16 weights
/// and activations; inputs and outputs stay float32 on the CPU).
/// </summary>
public sealed class SeparationModel : IDisposable
{
    private readonly CentrifugeModel _model;
    private readonly Device _device;
    private readonly ScalarType _dtype;

    public ModelConfig Config => _model.Config;
    public string Checkpoint { get; }

    private SeparationModel(CentrifugeModel model, string checkpoint, Device device, ScalarType dtype)
    {
        _model = model;
        Checkpoint = checkpoint;
        _device = device;
        _dtype = dtype;
        if (dtype != ScalarType.Float32) _model.to(dtype);
        _model.eval();
    }

    /// <param name="precision">"fp32" or "bf16"</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N"</param>
    public static SeparationModel Load(string checkpoint, string device = "cpu", string precision = "fp32")
    {
        ScalarType dtype = ParsePrecision(precision);
        Device target = TorchRuntime.ResolveDevice(device);
        if (Directory.Exists(checkpoint) || !File.Exists(checkpoint))
            throw new CentrifugeException($"{checkpoint}: no such model checkpoint", ExitCodes.MissingInput);
        return new SeparationModel(ModelCheckpoint.Load(checkpoint, target), checkpoint, target, dtype);
    }

    /// <summary>Wraps a model already in memory (tests, benchmarks with untrained weights).</summary>
    public static SeparationModel FromModel(CentrifugeModel model, string precision = "fp32") =>
        new(model, "(in memory)", TorchSharp.torch.CPU, ParsePrecision(precision));

    /// <summary>[B, 3, T, H, W] float32 in [-1, 1] -> [B, n, 3, T, H, W] float32 on the CPU.</summary>
    public Tensor Separate(Tensor video)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor output = _model.forward(video.to(_device).to(_dtype));
        return output.to(ScalarType.Float32).cpu().MoveToOuterDisposeScope();
    }

    public void Dispose() => _model.Dispose();

    public static ScalarType ParsePrecision(string precision) => precision.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        _ => throw new CentrifugeException($"--precision {precision}: expected fp32 or bf16", ExitCodes.Usage),
    };
}

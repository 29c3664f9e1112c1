using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>
/// A checkpoint loaded for separation: on a device, run through the models' <see cref="InferenceRunner"/> (eval
/// mode, no_grad, fp32 or bf16); inputs and outputs stay float32 on the CPU.
/// </summary>
public sealed class SeparationModel : IDisposable
{
    private readonly CentrifugeModel _model;
    private readonly InferenceRunner _runner;
    private readonly Device _device;

    public ModelConfig Config => _model.Config;
    public string Checkpoint { get; }

    private SeparationModel(CentrifugeModel model, string checkpoint, Device device, InferencePrecision precision)
    {
        _model = model;
        Checkpoint = checkpoint;
        _device = device;
        _model.eval();
        _runner = new InferenceRunner(model, precision);
    }

    /// <param name="precision">"fp32" or "bf16"</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N"</param>
    public static SeparationModel Load(string checkpoint, string device = "cpu", string precision = "fp32")
    {
        InferencePrecision parsed = InferencePrecisions.Parse(precision);
        Device target = TorchRuntime.ResolveDevice(device);
        if (Directory.Exists(checkpoint) || !File.Exists(checkpoint))
            throw new CentrifugeException($"{checkpoint}: no such model checkpoint", ExitCodes.MissingInput);
        return new SeparationModel(ModelCheckpoint.Load(checkpoint, target), checkpoint, target, parsed);
    }

    /// <summary>Wraps a model already in memory (tests, benchmarks with untrained weights).</summary>
    public static SeparationModel FromModel(CentrifugeModel model, string precision = "fp32") =>
        new(model, "(in memory)", TorchSharp.torch.CPU, InferencePrecisions.Parse(precision));

    /// <summary>[B, 3, T, H, W] float32 in [-1, 1] -> [B, n, 3, T, H, W] float32 on the CPU.</summary>
    public Tensor Separate(Tensor video)
    {
        using var scope = torch.NewDisposeScope();
        return _runner.Run(video.to(_device)).cpu().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _runner.Dispose();
        _model.Dispose();
    }
}

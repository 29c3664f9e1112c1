using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// A model loaded for inference — the one type evaluation, experiments, export checks and separation all run: in eval
/// mode under no_grad, in fp32 or bf16, on the device its weights are on. For bf16 it keeps its own bfloat16 replica
/// of the weights, so the caller's fp32 model is never rounded. Owns the model only when it loaded it.
/// </summary>
public sealed class InferenceModel : IDisposable
{
    private readonly CentrifugeModel _model;
    private readonly CentrifugeModel? _bf16;
    private readonly bool _owned;
    private readonly Device _device;

    public Precision Precision { get; }
    public ModelConfig Config => _model.Config;
    /// <summary>The checkpoint it was loaded from, or "(in memory)".</summary>
    public string Checkpoint { get; }

    /// <summary>Runs <paramref name="model"/> (not disposed with this object) at <paramref name="precision"/>.</summary>
    public InferenceModel(CentrifugeModel model, Precision precision = Precision.Fp32)
        : this(model, precision, owned: false, "(in memory)") { }

    private InferenceModel(CentrifugeModel model, Precision precision, bool owned, string checkpoint)
    {
        _model = model;
        _owned = owned;
        Checkpoint = checkpoint;
        Precision = precision;
        _device = model.parameters().First().device;
        if (precision == Precision.Bf16)
        {
            _bf16 = CentrifugeModel.Create(model.Config);
            using (torch.no_grad())
                _bf16.load_state_dict(model.state_dict());
            _bf16.to(ScalarType.BFloat16);
            _bf16.eval();
        }
    }

    /// <summary>Loads a checkpoint onto <paramref name="device"/> (default: the CPU) in eval mode.</summary>
    public static InferenceModel Load(string checkpoint, Device? device = null, Precision precision = Precision.Fp32)
    {
        if (Directory.Exists(checkpoint) || !File.Exists(checkpoint))
            throw new CentrifugeException($"{checkpoint}: no such model checkpoint", ExitCodes.MissingInput);
        CentrifugeModel model = ModelCheckpoint.Load(checkpoint, device ?? torch.CPU);
        model.eval();
        return new InferenceModel(model, precision, owned: true, checkpoint);
    }

    /// <summary>The model's weights (fp32), e.g. for the rows of a report.</summary>
    public CentrifugeModel Model => _model;

    // [B, 3, T, H, W] float32 in [-1, 1] on the model's device -> [B, n, 3, T, H, W] float32 there (any T, H, W >= 1)
    public Tensor Run(Tensor video)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        if (_bf16 is null)
        {
            bool wasTraining = _model.training;
            _model.eval();
            Tensor output = _model.forward(video);
            if (wasTraining) _model.train();
            return output.MoveToOuterDisposeScope();
        }
        Tensor device = video.to(_bf16.parameters().First().device);
        return _bf16.forward(device.to(ScalarType.BFloat16)).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>[B, 3, T, H, W] float32 in [-1, 1] on any device -> [B, n, 3, T, H, W] float32 on the CPU.</summary>
    public Tensor Separate(Tensor video)
    {
        using var scope = torch.NewDisposeScope();
        return Run(video.to(_device)).cpu().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _bf16?.Dispose();
        if (_owned) _model.Dispose();
    }
}

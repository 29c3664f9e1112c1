using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// Runs a trained model for inference (evaluation, separation) in eval mode under no_grad, in fp32 or bf16. For bf16
/// it keeps its own bfloat16 replica of the weights, so the caller's fp32 model is never rounded.
/// </summary>
public sealed class InferenceRunner : IDisposable
{
    private readonly CentrifugeModel _model;
    private readonly CentrifugeModel? _bf16;

    public InferencePrecision Precision { get; }

    public InferenceRunner(CentrifugeModel model, InferencePrecision precision = InferencePrecision.Fp32)
    {
        _model = model;
        Precision = precision;
        if (precision == InferencePrecision.Bf16)
        {
            _bf16 = CentrifugeModel.Create(model.Config);
            using (torch.no_grad())
                _bf16.load_state_dict(model.state_dict());
            _bf16.to(ScalarType.BFloat16);
            _bf16.eval();
        }
    }

    // [B, 3, T, H, W] float32 in [-1, 1] -> [B, n, 3, T, H, W] float32 (any T, H, W >= 1)
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

    public void Dispose() => _bf16?.Dispose();
}

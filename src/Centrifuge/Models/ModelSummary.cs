using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// What `model-info` reports: parameter counts (encoders, decoders, total over predictor and correctors), the
/// predictor encoder's endpoint shapes [C, T, H, W] and the multiply-adds of one forward on a clip.
/// </summary>
public sealed record ModelSummary(
    ModelConfig Config,
    long EncoderParams,
    long DecoderParams,
    long TotalParams,
    IReadOnlyDictionary<string, long[]> Endpoints,
    double GmacsPerClip,
    ClipSize Clip)
{
    /// <summary>
    /// Builds the model, counts its parameters and runs one batch-1 forward on a zero clip (under no_grad, on the
    /// CPU) to read endpoint shapes and count multiply-adds from the real layer shapes. 
    /// </summary>
    public static ModelSummary Compute(ModelConfig config, ClipSize clip)
    {
        clip.Validate();
        using var model = CentrifugeModel.Create(config);
        model.eval();
        var encoders = new List<StageEncoder> { model.Predictor.Encoder };
        var decoders = new List<UNetDecoder> { model.Predictor.Decoder };
        foreach (EncoderDecoder c in model.Correctors) { encoders.Add(c.Encoder); decoders.Add(c.Decoder); }
        long encoderParams = encoders.Sum(CountParameters);
        long decoderParams = decoders.Sum(CountParameters);

        var shapes = new List<(string Name, long[] Shape)>();
        double macs;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            Tensor video = torch.zeros(new long[] { 1, 3, clip.Frames, clip.Height, clip.Width });
            using (var counter = new MacCounter(model))
            {
                model.forward(video);
                macs = counter.Macs;
            }
            model.Predictor.Encoder.Run(video, shapes);
        }
        var endpoints = shapes.ToDictionary(s => s.Name, s => s.Shape[1..]);
        return new ModelSummary(config, encoderParams, decoderParams, CountParameters(model), endpoints, macs / 1e9, clip);
    }

    /// <summary>Trainable parameters (BatchNorm running statistics are buffers and not counted).</summary>
    public static long CountParameters(nn.Module module) => module.parameters().Sum(p => p.numel());
}

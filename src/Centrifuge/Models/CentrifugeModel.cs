using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// The Visual Centrifuge network (paper section 3.2, Fig. 2b and Fig. 9): a predictor (I3D encoder + U-Net decoder)
/// outputs n layers from the mixed video; each of <see cref="ModelConfig.CorrectionSteps"/> correctors (own weights)
/// reads the current layers (and optionally the video) and adds its corrections. Fully convolutional for any
/// T, H, W >= 1: the input is replicate-padded at the back of each dimension to a multiple of the encoder's total
/// stride (replicate, not reflect, because reflect cannot pad a 1-frame clip by 7) and the outputs cropped back.
/// </summary>
public sealed class CentrifugeModel : Module<Tensor, Tensor>
{
    private readonly EncoderDecoder predictor;
    private readonly ModuleList<EncoderDecoder> correctors;

    public ModelConfig Config { get; }
    public EncoderDecoder Predictor => predictor;
    public IReadOnlyList<EncoderDecoder> Correctors => [.. correctors];

    private CentrifugeModel(ModelConfig config) : base(nameof(CentrifugeModel))
    {
        config.Validate();
        Config = config;
        long layerChannels = 3L * config.Layers;
        predictor = new EncoderDecoder(config, 3, layerChannels);
        correctors = new ModuleList<EncoderDecoder>();
        for (int i = 0; i < config.CorrectionSteps; i++)
            correctors.Add(new EncoderDecoder(config, layerChannels + (config.CorrectorSeesInput ? 3 : 0), layerChannels));
        RegisterComponents();
    }

    /// <summary>A freshly initialised model (libtorch's default init; seed with torch.manual_seed for repeatability).</summary>
    public static CentrifugeModel Create(ModelConfig config) => new(config);

    /// <summary>
    /// Zeroes each corrector's output convolution, so that every corrector adds nothing and the model computes exactly
    /// its predictor's layers; training then grows the corrections from there. Used when a trained predictor starts a
    /// predictor-corrector: freshly initialised correctors would add random corrections and undo the predictor's training.
    /// </summary>
    public void StartCorrectorsAsIdentity()
    {
        using var noGrad = torch.no_grad();
        foreach (EncoderDecoder corrector in correctors)
        {
            corrector.Decoder.Output.weight!.zero_();
            corrector.Decoder.Output.bias?.zero_();
        }
    }

    // [B, 3, T, H, W] in [-1, 1] -> [B, n, 3, T, H, W] on the same scale (any T, H, W >= 1)
    public override Tensor forward(Tensor video)
    {
        if (video.dim() != 5 || video.shape[1] != 3)
            throw new ArgumentException($"expected a video [B, 3, T, H, W], got [{string.Join(", ", video.shape)}]");
        using var scope = torch.NewDisposeScope();
        long b = video.shape[0], t = video.shape[2], h = video.shape[3], w = video.shape[4];
        (int st, int ss) = I3dEncoder.TotalStride(Config.Endpoint);
        long[] pad = [0, RoundUp(w, ss) - w, 0, RoundUp(h, ss) - h, 0, RoundUp(t, st) - t];
        Tensor x = pad.Any(p => p != 0) ? nn.functional.pad(video, pad, PaddingModes.Replicate) : video;

        Tensor layers = predictor.forward(x);                         // [B, 3n, T', H', W']
        foreach (EncoderDecoder corrector in correctors)
        {
            Tensor input = Config.CorrectorSeesInput ? torch.cat([layers, x], 1) : layers;
            layers = layers.Plus(corrector.forward(input));
        }
        if (pad.Any(p => p != 0))
            layers = layers[.., .., TensorIndex.Slice(0, t), TensorIndex.Slice(0, h), TensorIndex.Slice(0, w)];
        Tensor outputs = layers.reshape(b, Config.Layers, 3, t, h, w);
        if (Config.MixtureConsistency) outputs = outputs.Plus(video.unsqueeze(1) - outputs.mean([1], keepdim: true));
        return outputs.MoveToOuterDisposeScope();
    }

    private static long RoundUp(long size, long multiple) => (size + multiple - 1) / multiple * multiple;
}

using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// One predictor module of the paper (appendix A): an encoder (I3D, or the per-frame <see cref="FrameEncoder"/>, as
/// <see cref="ModelConfig.Encoder"/> says) and a U-Net decoder. The predictor reads the
/// video (3 channels); a corrector reads the n predicted layers (3n channels, or 3n + 3 with the video).
/// </summary>
public sealed class EncoderDecoder : Module<Tensor, Tensor>
{
    private readonly StageEncoder encoder;
    private readonly UNetDecoder decoder;

    public StageEncoder Encoder => encoder;
    public UNetDecoder Decoder => decoder;

    public EncoderDecoder(ModelConfig config, long inChannels, long outChannels) : base(nameof(EncoderDecoder))
    {
        encoder = StageEncoder.Create(config, inChannels);
        decoder = new UNetDecoder(config, inChannels, encoder.StageChannels, outChannels);
        RegisterComponents();
    }

    // [B, Cin, T, H, W], T and H, W multiples of the total stride -> [B, Cout, T, H, W]
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor[] stages = encoder.forward(x);
        return decoder.call(x, stages).MoveToOuterDisposeScope();
    }

    /// <summary>The ONNX form of <see cref="forward"/> on <paramref name="x"/>, whose sizes are multiples of <paramref name="divisors"/>.</summary>
    public string ToOnnx(OnnxGraph g, string x, long[] divisors, string path) =>
        decoder.ToOnnx(g, x, divisors, encoder.ToOnnx(g, x, divisors, $"{path}.encoder"), $"{path}.decoder");
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// The paper's "simple 3D up-convolutional" decoder (appendix A, Fig. 10) with U-Net skips: from the deepest encoder
/// stage, each step up-samples by the factor the encoder down-sampled with (time and space), concatenates the encoder
/// features of that resolution (the input video itself at full resolution), fuses them with a 1x1x1 unit and refines
/// with a 3x3x3 unit. A final 1x1x1 Conv3d with bias gives 3n linear channels (no squashing activation, so outputs
/// can reach the input's [-1, 1] range and beyond).
/// </summary>
public sealed class UNetDecoder : Module<Tensor, Tensor[], Tensor>, IMacCounted
{
    private readonly ModuleList<UpConvolution> up;
    private readonly ModuleList<Unit3D> fuse;
    private readonly ModuleList<Unit3D> refine;
    private readonly Conv3d output;
    private readonly double dropout;

    public UNetDecoder(ModelConfig config, long inputChannels, IReadOnlyList<long> stageChannels, long outputChannels)
        : base(nameof(UNetDecoder))
    {
        int stages = stageChannels.Count;
        double m = config.BatchNormMomentum;
        up = new ModuleList<UpConvolution>();
        fuse = new ModuleList<Unit3D>();
        refine = new ModuleList<Unit3D>();
        // Step i (deep to shallow) lands on the resolution of stage i-1 (stage -1 = the input video).
        long current = stageChannels[stages - 1];
        for (int i = stages - 1; i >= 0; i--)
        {
            long width = config.Scale(config.DecoderChannels[i]);
            long skip = i == 0 ? inputChannels : stageChannels[i - 1];
            up.Add(new UpConvolution(current, width, I3dEncoder.Stages[i].Time, I3dEncoder.Stages[i].Space,
                config.Upsampling, m));
            fuse.Add(new Unit3D(width + skip, width, 1, momentum: m));
            refine.Add(new Unit3D(width, width, 3, momentum: m));
            current = width;
        }
        output = nn.Conv3d(current, outputChannels, 1, bias: true);
        dropout = config.DecoderDropout;
        RegisterComponents();
    }

    /// <summary>Zeroes the output convolution, so that the decoder outputs 0 whatever it is fed (a corrector that adds nothing).</summary>
    public void ZeroOutput()
    {
        using var noGrad = torch.no_grad();
        output.weight!.zero_();
        output.bias?.zero_();
    }

    // input: [B, Cin, T, H, W] (T, H, W multiples of the encoder's total stride); stages: the encoder's features
    // -> [B, outputChannels, T, H, W], linear
    public override Tensor forward(Tensor input, Tensor[] stages)
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = Dropped(stages[^1]);
        for (int step = 0; step < up.Count; step++)
        {
            int i = stages.Length - 1 - step;
            Tensor skip = i == 0 ? input : Dropped(stages[i - 1]);
            // Each intermediate is freed once used (autograd keeps what backward needs): at inference the full-resolution
            // steps would otherwise hold every tensor of the decoder at once.
            using Tensor upsampled = up[step].call(x);
            if (step > 0) x.Dispose();
            using Tensor joined = torch.cat([upsampled, skip], 1);
            upsampled.Dispose();
            using Tensor fused = fuse[step].call(joined);
            joined.Dispose();
            x = refine[step].call(fused);
        }
        Tensor y = output.forward(x);
        return y.MoveToOuterDisposeScope();
    }

    // ModelConfig.DecoderDropout: whole channels of an encoder feature map, in train mode only.
    private Tensor Dropped(Tensor features) =>
        dropout > 0 && training ? nn.functional.dropout3d(features, dropout, training: true) : features;

    // The output convolution's (its units count their own).
    public double Macs(Tensor input, Tensor output) => (double)output.numel() * this.output.weight!.shape[1];

    /// <summary>
    /// The ONNX form of <see cref="forward"/>: <paramref name="x"/> the input with its size multiples
    /// <paramref name="divisors"/>, <paramref name="stages"/> the encoder's (<see cref="StageEncoder.ToOnnx"/>).
    /// </summary>
    public string ToOnnx(OnnxGraph g, string x, long[] divisors, List<(string Value, long[] Divisors)> stages, string path)
    {
        (string current, long[] d) = stages[^1];
        d = (long[])d.Clone();
        for (int step = 0; step < up.Count; step++)
        {
            int i = stages.Count - 1 - step;
            (string skip, long[] skipDivisors) = i == 0 ? (x, divisors) : stages[i - 1];
            string p = $"{path}.{step}";
            current = up[step].ToOnnx(g, current, d, $"{p}.up");
            if (!d.SequenceEqual(skipDivisors))
                throw new InvalidOperationException($"{p}: up-sampled size does not land on the skip's ({string.Join(",", d)} vs {string.Join(",", skipDivisors)})");
            current = g.Node("Concat", $"{p}.concat", [current, skip], OnnxGraph.Int("axis", 1));
            current = fuse[step].ToOnnx(g, current, d, $"{p}.fuse");
            current = refine[step].ToOnnx(g, current, d, $"{p}.refine");
        }
        return g.Node("Conv", $"{path}.output", [current, g.Weight($"{path}.output.weight", output.weight!),
            g.Weight($"{path}.output.bias", output.bias!)], OnnxGraph.Ints("kernel_shape", output.weight!.shape[2..]));
    }
}

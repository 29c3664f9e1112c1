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
public sealed class UNetDecoder : Module<Tensor, Tensor[], Tensor>
{
    private readonly ModuleList<UpConvolution> up;
    private readonly ModuleList<Unit3D> fuse;
    private readonly ModuleList<Unit3D> refine;
    private readonly Conv3d output;

    // Read-only views of the structure, for exporters: step i of Up/Fuse/Refine runs deep to shallow.
    public IReadOnlyList<UpConvolution> Up => [.. up];
    public IReadOnlyList<Unit3D> Fuse => [.. fuse];
    public IReadOnlyList<Unit3D> Refine => [.. refine];
    public Conv3d Output => output;

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
        RegisterComponents();
    }

    // input: [B, Cin, T, H, W] (T, H, W multiples of the encoder's total stride); stages: the encoder's features
    // -> [B, outputChannels, T, H, W], linear
    public override Tensor forward(Tensor input, Tensor[] stages)
    {
        using var scope = torch.NewDisposeScope();
        Tensor x = stages[^1];
        for (int step = 0; step < up.Count; step++)
        {
            int i = stages.Length - 1 - step;
            Tensor skip = i == 0 ? input : stages[i - 1];
            // Each intermediate is freed once used (autograd keeps what backward needs): at inference the full-resolution
            // steps would otherwise hold every tensor of the decoder at once.
            using Tensor upsampled = up[step].forward(x);
            if (step > 0) x.Dispose();
            using Tensor joined = torch.cat([upsampled, skip], 1);
            upsampled.Dispose();
            using Tensor fused = fuse[step].forward(joined);
            joined.Dispose();
            x = refine[step].forward(fused);
        }
        Tensor y = output.forward(x);
        MacCounter.Add((double)y.numel() * x.shape[1]);
        return y.MoveToOuterDisposeScope();
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// One decoder up-sampling step (the paper's 3D transposed convolution), then BatchNorm3d + ReLU:
/// [B, Cin, t, h, w] -> [B, Cout, t*ft, h*fs, w*fs]. The operator is chosen by <see cref="DecoderUpsampling"/>.
/// </summary>
public sealed class UpConvolution : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> up;
    private readonly BatchNorm3d bn;
    private readonly DecoderUpsampling _kind;
    private readonly long _in, _out;
    private readonly long[] _factor;
    private readonly long[] _kernel;

    // Read-only views of the structure, for exporters.
    public DecoderUpsampling Kind => _kind;
    /// <summary>Up-sampling factor (time, height, width).</summary>
    public IReadOnlyList<long> Factor => _factor;
    public long OutChannels => _out;
    /// <summary>The convolution's weight: Conv3d [Cout(*ft*fs*fs), Cin, k, k, k] or ConvTranspose3d [Cin, Cout, k, k, k].</summary>
    public Tensor Weight => up switch
    {
        Conv3d conv => conv.weight!,
        ConvTranspose3d transposed => transposed.weight!,
        _ => throw new InvalidOperationException($"unexpected up-sampling module {up.GetType().Name}"),
    };
    public BatchNorm3d Norm => bn;

    public UpConvolution(long inChannels, long outChannels, int timeFactor, int spaceFactor, DecoderUpsampling kind,
        double momentum) : base(nameof(UpConvolution))
    {
        _kind = kind;
        _in = inChannels;
        _out = outChannels;
        _factor = [timeFactor, spaceFactor, spaceFactor];
        (long t, long s) = (timeFactor, spaceFactor);
        switch (kind)
        {
            case DecoderUpsampling.TransposedK2:
                _kernel = [t, s, s];
                up = nn.ConvTranspose3d(inChannels, outChannels, (t, s, s), stride: (t, s, s), bias: false);
                break;
            case DecoderUpsampling.TransposedK4:
                // kernel 2f, padding f/2 doubles exactly; factor 1 keeps the size with kernel 3, padding 1
                _kernel = [K4(t), K4(s), K4(s)];
                up = nn.ConvTranspose3d(inChannels, outChannels, (K4(t), K4(s), K4(s)), stride: (t, s, s),
                    padding: (1, 1, 1), bias: false);
                break;
            case DecoderUpsampling.TransposedK3:
                _kernel = [3, 3, 3];
                up = nn.ConvTranspose3d(inChannels, outChannels, (3, 3, 3), stride: (t, s, s), padding: (1, 1, 1),
                    output_padding: (t - 1, s - 1, s - 1), bias: false);
                break;
            case DecoderUpsampling.SubPixel:
                _kernel = [1, 1, 1];
                up = nn.Conv3d(inChannels, outChannels * t * s * s, 1, bias: false);
                break;
            case DecoderUpsampling.NearestConv:
            case DecoderUpsampling.TrilinearConv:
                _kernel = [3, 3, 3];
                up = nn.Conv3d(inChannels, outChannels, 3, padding: 1, bias: false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        bn = nn.BatchNorm3d(outChannels, eps: 1e-3, momentum: momentum);
        RegisterComponents();
    }

    private static long K4(long factor) => factor == 2 ? 4 : 3;

    // [B, Cin, t, h, w] -> [B, Cout, t*ft, h*fs, w*fs]
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        long kvol = _kernel[0] * _kernel[1] * _kernel[2];
        Tensor y;
        switch (_kind)
        {
            case DecoderUpsampling.SubPixel:
                using (Tensor channels = up.forward(x)) y = PixelShuffle3d(channels);
                MacCounter.Add((double)x.numel() / _in * _in * _out * _factor[0] * _factor[1] * _factor[2]);
                break;
            case DecoderUpsampling.NearestConv:
            case DecoderUpsampling.TrilinearConv:
                var size = new long[] { x.shape[2] * _factor[0], x.shape[3] * _factor[1], x.shape[4] * _factor[2] };
                Tensor upsampled = nn.functional.interpolate(x, size: size,
                    mode: _kind == DecoderUpsampling.NearestConv ? InterpolationMode.Nearest : InterpolationMode.Trilinear,
                    align_corners: _kind == DecoderUpsampling.NearestConv ? null : false);
                y = up.forward(upsampled);
                upsampled.Dispose();
                MacCounter.Add((double)y.numel() * _in * kvol);
                break;
            case DecoderUpsampling.TransposedK3:
                // TorchSharp 0.107's ConvTranspose3d module drops output_padding: call the functional form
                y = nn.functional.conv_transpose3d(x, ((ConvTranspose3d)up).weight!, null, strides: _factor,
                    padding: [1, 1, 1], output_padding: [_factor[0] - 1, _factor[1] - 1, _factor[2] - 1]);
                MacCounter.Add((double)x.numel() * _out * kvol);
                break;
            default:
                y = up.forward(x);
                MacCounter.Add((double)x.numel() * _out * kvol); // a transposed conv scatters every input voxel
                break;
        }
        // Intermediates freed as soon as used (autograd keeps what backward needs): at full resolution each is large.
        using (y)
        {
            using Tensor normalised = bn.forward(y);
            y.Dispose();
            return nn.functional.relu(normalised).MoveToOuterDisposeScope();
        }
    }

    // [B, C*ft*fs*fs, t, h, w] -> [B, C, t*ft, h*fs, w*fs]; channel index = c*ft*fs*fs + (i*fs + j)*fs + k
    private Tensor PixelShuffle3d(Tensor x)
    {
        long b = x.shape[0], t = x.shape[2], h = x.shape[3], w = x.shape[4];
        (long ft, long fh, long fw) = (_factor[0], _factor[1], _factor[2]);
        return x.view(b, _out, ft, fh, fw, t, h, w)
            .permute(0, 1, 5, 2, 6, 3, 7, 4)
            .reshape(b, _out, t * ft, h * fh, w * fw);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// One decoder up-sampling step (the paper's 3D transposed convolution), then BatchNorm3d + ReLU:
/// [B, Cin, t, h, w] -> [B, Cout, t*ft, h*fs, w*fs]. The operator is chosen by <see cref="DecoderUpsampling"/>.
/// </summary>
public sealed class UpConvolution : Module<Tensor, Tensor>, IOnnxLayer, IMacCounted
{
    private readonly Module<Tensor, Tensor> up;
    private readonly LiveBatchNorm bn;
    private readonly DecoderUpsampling _kind;
    private readonly long _in, _out;
    private readonly long[] _factor;
    private readonly long[] _kernel;

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
        bn = new LiveBatchNorm(outChannels, rank: 5, eps: 1e-3, momentum: momentum);
        RegisterComponents();
    }

    private static long K4(long factor) => factor == 2 ? 4 : 3;

    // [B, Cin, t, h, w] -> [B, Cout, t*ft, h*fs, w*fs]
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor y;
        switch (_kind)
        {
            case DecoderUpsampling.SubPixel:
                using (Tensor channels = up.forward(x)) y = PixelShuffle3d(channels);
                break;
            case DecoderUpsampling.NearestConv:
            case DecoderUpsampling.TrilinearConv:
                var size = new long[] { x.shape[2] * _factor[0], x.shape[3] * _factor[1], x.shape[4] * _factor[2] };
                Tensor upsampled = nn.functional.interpolate(x, size: size,
                    mode: _kind == DecoderUpsampling.NearestConv ? InterpolationMode.Nearest : InterpolationMode.Trilinear,
                    align_corners: _kind == DecoderUpsampling.NearestConv ? null : false);
                y = up.forward(upsampled);
                upsampled.Dispose();
                break;
            case DecoderUpsampling.TransposedK3:
                // TorchSharp 0.107's ConvTranspose3d module drops output_padding: call the functional form
                y = nn.functional.conv_transpose3d(x, ((ConvTranspose3d)up).weight!, null, strides: _factor,
                    padding: [1, 1, 1], output_padding: [_factor[0] - 1, _factor[1] - 1, _factor[2] - 1]);
                break;
            default:
                y = up.forward(x);
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

    public double Macs(Tensor input, Tensor output)
    {
        long kvol = _kernel[0] * _kernel[1] * _kernel[2];
        return _kind switch
        {
            DecoderUpsampling.SubPixel => (double)input.numel() / _in * _in * _out * _factor[0] * _factor[1] * _factor[2],
            // the convolution runs on the up-sampled size, which is the output's
            DecoderUpsampling.NearestConv or DecoderUpsampling.TrilinearConv => (double)output.numel() * _in * kvol,
            _ => (double)input.numel() * _out * kvol,   // a transposed conv scatters every input voxel
        };
    }

    // The convolution's weight: Conv3d [Cout(*ft*fs*fs), Cin, k, k, k] or ConvTranspose3d [Cin, Cout, k, k, k].
    private Tensor Weight => up switch
    {
        Conv3d conv => conv.weight!,
        ConvTranspose3d transposed => transposed.weight!,
        _ => throw new InvalidOperationException($"unexpected up-sampling module {up.GetType().Name}"),
    };

    // Sub-pixel: a Conv, then Reshape to 8 dimensions, Transpose, Reshape (a 3D pixel shuffle, shapes computed at run
    // time); the transposed kinds: ConvTranspose; the interpolating ones: Resize, then Conv. Then BatchNormalization +
    // Relu. Multiplies d by the factors.
    public string ToOnnx(OnnxGraph g, string x, long[] d, string path)
    {
        long[] f = [.. _factor];
        long[] kernel = Weight.shape[2..];
        string weight = g.Weight($"{path}.weight", Weight);
        string y = _kind switch
        {
            DecoderUpsampling.SubPixel => PixelShuffle(g, g.Node("Conv", $"{path}.conv", [x, weight],
                OnnxGraph.Ints("kernel_shape", kernel)), _out, f, path),
            DecoderUpsampling.TransposedK2 => g.Node("ConvTranspose", $"{path}.conv_transpose", [x, weight],
                OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("strides", f)),
            DecoderUpsampling.TransposedK4 => g.Node("ConvTranspose", $"{path}.conv_transpose", [x, weight],
                OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("strides", f), OnnxGraph.Ints("pads", [1, 1, 1, 1, 1, 1])),
            DecoderUpsampling.TransposedK3 => g.Node("ConvTranspose", $"{path}.conv_transpose", [x, weight],
                OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("strides", f), OnnxGraph.Ints("pads", [1, 1, 1, 1, 1, 1]),
                OnnxGraph.Ints("output_padding", f.Select(v => v - 1))),
            DecoderUpsampling.NearestConv or DecoderUpsampling.TrilinearConv => g.Node("Conv", $"{path}.conv", [
                Resize(g, x, f, _kind == DecoderUpsampling.NearestConv, path), weight],
                OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("pads", [1, 1, 1, 1, 1, 1])),
            _ => throw new NotSupportedException($"{path}: no ONNX form for up-sampling {_kind}"),
        };
        for (int i = 0; i < 3; i++) d[i] *= f[i];
        return g.Node("Relu", $"{path}.relu", [g.BatchNorm(bn, y, $"{path}.bn")]);
    }

    // PixelShuffle3d's ONNX form: view [B, C, ft, fh, fw, t, h, w], permute (0, 1, 5, 2, 6, 3, 7, 4), reshape.
    private static string PixelShuffle(OnnxGraph g, string x, long channels, long[] f, string path)
    {
        (string batch, string thw) = g.BatchAndSize(x, path);
        string split = g.Node("Concat", $"{path}.split_shape", [batch, g.Longs($"{path}.channels_factors", channels, f[0], f[1], f[2]), thw],
            OnnxGraph.Int("axis", 0));
        string moved = g.Node("Transpose", $"{path}.interleave", [g.Node("Reshape", $"{path}.split", [x, split])],
            OnnxGraph.Ints("perm", [0, 1, 5, 2, 6, 3, 7, 4]));
        string size = g.Node("Mul", $"{path}.size", [thw, g.Longs($"{path}.factors", f)]);
        string merged = g.Node("Concat", $"{path}.merged_shape", [batch, g.Longs($"{path}.channels", channels), size], OnnxGraph.Int("axis", 0));
        return g.Node("Reshape", $"{path}.shuffled", [moved, merged]);
    }

    // PyTorch's interpolate to size*factor: nearest = floor(dst / f) ("asymmetric", "floor"); trilinear without
    // align_corners = "pytorch_half_pixel".
    private static string Resize(OnnxGraph g, string x, long[] f, bool nearest, string path)
    {
        string scales = g.Floats($"{path}.scales", 1, 1, f[0], f[1], f[2]);
        return nearest
            ? g.Node("Resize", $"{path}.resize", [x, "", scales], OnnxGraph.Text("mode", "nearest"),
                OnnxGraph.Text("coordinate_transformation_mode", "asymmetric"), OnnxGraph.Text("nearest_mode", "floor"))
            : g.Node("Resize", $"{path}.resize", [x, "", scales], OnnxGraph.Text("mode", "linear"),
                OnnxGraph.Text("coordinate_transformation_mode", "pytorch_half_pixel"));
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

using Centrifuge.Models;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Export;

/// <summary>
/// Writes a <see cref="CentrifugeModel"/> as an ONNX graph (opset 17) built from its module tree and weights, since
/// TorchSharp has no ONNX export. Input "video" [batch, 3, time, height, width] in [-1, 1], output "layers"
/// [batch, n, 3, time, height, width]; batch, time, height and width are dynamic. The graph does what
/// <see cref="CentrifugeModel.forward"/> does in eval mode:
/// <list type="bullet">
/// <item>replicate-pads the back of T, H, W to multiples of the encoder's total stride (ONNX Pad, mode "edge", pads
/// computed from the input's shape), and crops the layers back at the end;</item>
/// <item>after that pad every strided layer sees a size divisible by its stride, so I3D's TensorFlow "SAME" padding is
/// the constant max(k - s, 0) split smaller-half-first (<see cref="SamePadding"/>) and goes into the Conv and MaxPool
/// "pads" attributes. The exporter tracks, per dimension, a number the size is always a multiple of, and refuses to
/// export if a stride would not divide it. MaxPool's ONNX padding ignores padded cells where I3D pads with 0; the
/// results agree because every pool follows a ReLU (inputs &gt;= 0);</item>
/// <item>the per-frame 2D encoder (<see cref="FrameEncoder"/>) maps as <see cref="OnnxFrameEncoder"/> says: its 2D
/// convolutions become 1 x k x k Convs on the unfolded video;</item>
/// <item>BatchNorm3d in eval mode is BatchNormalization with the running statistics (OnnxRuntime folds it into the
/// convolution);</item>
/// <item>sub-pixel up-sampling is a 1x1x1 Conv, then Reshape to 8 dimensions, Transpose, Reshape (a 3D pixel shuffle,
/// shapes computed at run time); the transposed-convolution variants are ConvTranspose, the interpolating ones
/// Resize.</item>
/// </list>
/// The model's <see cref="ModelConfig"/> is stored as JSON in the metadata property "centrifuge_config", and the
/// scale it was trained at (<see cref="TrainingScale"/>, when the checkpoint records one) in "centrifuge_trained_at".
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 17;
    public const string InputName = "video";
    public const string OutputName = "layers";
    public const string ConfigKey = "centrifuge_config";
    public const string TrainedAtKey = "centrifuge_trained_at";

    /// <summary>The ONNX model of <paramref name="model"/> (its weights as they are now, in eval-mode semantics).</summary>
    public static ModelProto Build(CentrifugeModel model, TrainingScale? trainedAt = null)
    {
        var g = new OnnxGraph();
        ModelConfig config = model.Config;
        g.Proto.Input.Add(OnnxGraph.Value(InputName, "batch", 3, "time", "height", "width"));

        // Replicate-pad the back of T, H, W to multiples of the total stride: pad = (s - size % s) % s.
        (int st, int ss) = I3dEncoder.TotalStride(config.Endpoint);
        (string batch, string thw) = BatchAndSize(g, InputName, "input");
        string strides = g.Longs("input.total_stride", st, ss, ss);
        string back = g.Node("Mod", "input.pad_back", [
            g.Node("Sub", "input.stride_minus_rest", [strides, g.Node("Mod", "input.rest", [thw, strides], Fmod(0))]),
            strides], Fmod(0));
        string pads = g.Node("Concat", "input.pads", [g.Longs("input.pads_front_and_bc_back", 0, 0, 0, 0, 0, 0, 0), back], OnnxGraph.Int("axis", 0));
        string x = g.Node("Pad", "input.padded", [InputName, pads], OnnxGraph.Text("mode", "edge"));

        var divisors = new long[] { st, ss, ss };
        string layers = EncoderDecoder(g, model.Predictor, x, divisors, "predictor");
        for (int i = 0; i < model.Correctors.Count; i++)
        {
            string input = config.CorrectorSeesInput
                ? g.Node("Concat", $"correctors.{i}.input", [layers, x], OnnxGraph.Int("axis", 1))
                : layers;
            string correction = EncoderDecoder(g, model.Correctors[i], input, divisors, $"correctors.{i}");
            layers = g.Node("Add", $"correctors.{i}.corrected", [layers, correction]);
        }

        // Crop back to T, H, W and split the 3n channels: [B, 3n, T, H, W] -> [B, n, 3, T, H, W].
        string cropped = g.Node("Slice", "output.cropped", [layers, g.Longs("output.crop_start", 0, 0, 0), thw,
            g.Longs("output.crop_axes", 2, 3, 4)]);
        string shape = g.Node("Concat", "output.shape", [batch, g.Longs("output.layers", config.Layers, 3), thw], OnnxGraph.Int("axis", 0));
        if (config.MixtureConsistency)
        {
            // O_i + (V - mean_i O_i): the outputs' average is exactly the input.
            string split = g.Node("Reshape", "output.split", [cropped, shape]);
            string mean = g.Node("ReduceMean", "output.mean", [split], OnnxGraph.Ints("axes", [1]), OnnxGraph.Int("keepdims", 1));
            string video = g.Node("Unsqueeze", "output.video", [InputName, g.Longs("output.layer_axis", 1)]);
            g.Node("Add", OutputName, [split, g.Node("Sub", "output.consistency", [video, mean])]);
        }
        else g.Node("Reshape", OutputName, [cropped, shape]);
        g.Proto.Output.Add(OnnxGraph.Value(OutputName, "batch", config.Layers, 3, "time", "height", "width"));

        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "centrifuge",
            DocString = "The Visual Centrifuge: video [B, 3, T, H, W] in [-1, 1] -> layers [B, n, 3, T, H, W]",
            Graph = g.Proto,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = ConfigKey, Value = JsonDefaults.Serialize(config) });
        if (trainedAt is not null)
            proto.MetadataProps.Add(new StringStringEntryProto { Key = TrainedAtKey, Value = JsonDefaults.Serialize(trainedAt) });
        return proto;
    }

    /// <summary>Writes the ONNX file (temporary name, then renamed; overwrites: callers check --force).</summary>
    public static void Write(CentrifugeModel model, string path, TrainingScale? trainedAt = null)
    {
        ModelProto proto = Build(model, trainedAt);
        try
        {
            AtomicFile.Write(path, stream => proto.WriteTo(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CentrifugeException($"{path}: cannot write the ONNX file: {e.Message}", ExitCodes.WriteFailed, e);
        }
    }

    /// <summary>
    /// The training scale an exported file records, or null (exported before it was stored, or from a checkpoint that
    /// has none). Reads the metadata only: the weights are skipped, not parsed.
    /// </summary>
    public static TrainingScale? ReadTrainingScale(string path)
    {
        if (!File.Exists(path)) return null;   // loading it says what is wrong
        try
        {
            using FileStream file = File.OpenRead(path);
            using var input = new CodedInputStream(file);
            const int metadataField = 14;   // ModelProto.metadata_props
            for (uint tag; (tag = input.ReadTag()) != 0;)
            {
                if (WireFormat.GetTagFieldNumber(tag) != metadataField) { input.SkipLastField(); continue; }
                var entry = new StringStringEntryProto();
                input.ReadMessage(entry);
                if (entry.Key == TrainedAtKey) return JsonDefaults.Deserialize<TrainingScale>(entry.Value);
            }
            return null;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or System.Text.Json.JsonException)
        {
            throw new CentrifugeException($"{path}: not a readable ONNX file ({e.Message})", ExitCodes.InvalidInput, e);
        }
    }

    // One predictor or corrector: its encoder (I3D or per-frame 2D), then the U-Net decoder fed with the encoder's
    // stages and the input.
    private static string EncoderDecoder(OnnxGraph g, EncoderDecoder module, string x, long[] divisors, string path)
    {
        List<(string Value, long[] Divisors)> stages = module.Encoder switch
        {
            I3dEncoder i3d => I3dStages(g, i3d, x, divisors, $"{path}.encoder"),
            FrameEncoder frames => OnnxFrameEncoder.Stages(g, frames, x, divisors, $"{path}.encoder"),
            _ => throw new NotSupportedException($"{path}: no ONNX form for {module.Encoder.GetType().Name}"),
        };

        UNetDecoder decoder = module.Decoder;
        (string current, long[] d) = stages[^1];
        d = (long[])d.Clone();
        for (int step = 0; step < decoder.Up.Count; step++)
        {
            int i = stages.Count - 1 - step;
            (string skip, long[] skipDivisors) = i == 0 ? (x, divisors) : stages[i - 1];
            string p = $"{path}.decoder.{step}";
            current = Up(g, decoder.Up[step], current, d, $"{p}.up");
            if (!d.SequenceEqual(skipDivisors))
                throw new InvalidOperationException($"{p}: up-sampled size does not land on the skip's ({string.Join(",", d)} vs {string.Join(",", skipDivisors)})");
            current = g.Node("Concat", $"{p}.concat", [current, skip], OnnxGraph.Int("axis", 1));
            current = Unit(g, decoder.Fuse[step], current, d, $"{p}.fuse");
            current = Unit(g, decoder.Refine[step], current, d, $"{p}.refine");
        }
        Conv3d output = decoder.Output;
        return g.Node("Conv", $"{path}.decoder.output", [current, g.Weight($"{path}.decoder.output.weight", output.weight!),
            g.Weight($"{path}.decoder.output.bias", output.bias!)], OnnxGraph.Ints("kernel_shape", output.weight!.shape[2..]));
    }

    // The I3D endpoints in order; the output of each resolution stage's last one, with the size multiples it keeps.
    private static List<(string Value, long[] Divisors)> I3dStages(OnnxGraph g, I3dEncoder encoder, string x, long[] divisors, string path)
    {
        var stages = new List<(string Value, long[] Divisors)>();
        var d = (long[])divisors.Clone();
        string current = x;
        foreach ((string name, Module<Tensor, Tensor> layer) in encoder.Endpoints)
        {
            current = Layer(g, layer, current, d, $"{path}.{name}");
            if (I3dEncoder.Stages.Any(s => s.Name == name)) stages.Add((current, (long[])d.Clone()));
        }
        return stages;
    }

    private static string Layer(OnnxGraph g, Module<Tensor, Tensor> layer, string x, long[] d, string path) => layer switch
    {
        Unit3D unit => Unit(g, unit, x, d, path),
        MaxPool3dSame pool => Pool(g, pool, x, d, path),
        InceptionModule inception => Inception(g, inception, x, d, path),
        _ => throw new NotSupportedException($"{path}: no ONNX form for {layer.GetType().Name}"),
    };

    // Conv3d with SAME padding + BatchNorm3d + ReLU.
    private static string Unit(OnnxGraph g, Unit3D unit, string x, long[] d, string path)
    {
        long[] pads = SamePads(unit.Kernel, unit.Stride, d, path);
        string conv = g.Node("Conv", $"{path}.conv3d", [x, g.Weight($"{path}.conv3d.weight", unit.Convolution.weight!)],
            OnnxGraph.Ints("kernel_shape", unit.Kernel), OnnxGraph.Ints("strides", unit.Stride), OnnxGraph.Ints("pads", pads));
        return g.Node("Relu", $"{path}.relu", [Norm(g, unit.Norm, conv, $"{path}.bn")]);
    }

    private static string Pool(OnnxGraph g, MaxPool3dSame pool, string x, long[] d, string path) =>
        g.Node("MaxPool", path, [x], OnnxGraph.Ints("kernel_shape", pool.Kernel), OnnxGraph.Ints("strides", pool.Stride),
            OnnxGraph.Ints("pads", SamePads(pool.Kernel, pool.Stride, d, path)));

    private static string Inception(OnnxGraph g, InceptionModule module, string x, long[] d, string path)
    {
        var children = module.named_children().ToList();
        string NameOf(Module layer) => children.First(c => ReferenceEquals(c.module, layer)).name;
        var outputs = new List<string>();
        foreach (IReadOnlyList<Module<Tensor, Tensor>> branch in module.Branches)
        {
            string current = x;
            foreach (Module<Tensor, Tensor> layer in branch)
                current = Layer(g, layer, current, d, $"{path}.{NameOf(layer)}");   // stride 1: d is unchanged
            outputs.Add(current);
        }
        return g.Node("Concat", $"{path}.concat", outputs, OnnxGraph.Int("axis", 1));
    }

    // [B, Cin, t, h, w] -> [B, Cout, t*ft, h*fs, w*fs], then BatchNorm3d + ReLU.
    private static string Up(OnnxGraph g, UpConvolution up, string x, long[] d, string path)
    {
        long[] f = [.. up.Factor];
        long[] kernel = up.Weight.shape[2..];
        string weight = g.Weight($"{path}.weight", up.Weight);
        string y = up.Kind switch
        {
            DecoderUpsampling.SubPixel => PixelShuffle(g, g.Node("Conv", $"{path}.conv", [x, weight],
                OnnxGraph.Ints("kernel_shape", kernel)), up.OutChannels, f, path),
            DecoderUpsampling.TransposedK2 => g.Node("ConvTranspose", $"{path}.conv_transpose", [x, weight],
                OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("strides", f)),
            DecoderUpsampling.TransposedK4 => g.Node("ConvTranspose", $"{path}.conv_transpose", [x, weight],
                OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("strides", f), OnnxGraph.Ints("pads", [1, 1, 1, 1, 1, 1])),
            DecoderUpsampling.TransposedK3 => g.Node("ConvTranspose", $"{path}.conv_transpose", [x, weight],
                OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("strides", f), OnnxGraph.Ints("pads", [1, 1, 1, 1, 1, 1]),
                OnnxGraph.Ints("output_padding", f.Select(v => v - 1))),
            DecoderUpsampling.NearestConv or DecoderUpsampling.TrilinearConv => g.Node("Conv", $"{path}.conv", [
                Resize(g, x, f, up.Kind == DecoderUpsampling.NearestConv, path), weight],
                OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("pads", [1, 1, 1, 1, 1, 1])),
            _ => throw new NotSupportedException($"{path}: no ONNX form for up-sampling {up.Kind}"),
        };
        for (int i = 0; i < 3; i++) d[i] *= f[i];
        return g.Node("Relu", $"{path}.relu", [Norm(g, up.Norm, y, $"{path}.bn")]);
    }

    // [B, C*ft*fh*fw, t, h, w] -> [B, C, t*ft, h*fh, w*fw]; channel index = c*ft*fh*fw + (i*fh + j)*fw + k, as
    // UpConvolution.PixelShuffle3d: view [B, C, ft, fh, fw, t, h, w], permute (0, 1, 5, 2, 6, 3, 7, 4), reshape.
    private static string PixelShuffle(OnnxGraph g, string x, long channels, long[] f, string path)
    {
        (string batch, string thw) = BatchAndSize(g, x, path);
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

    // Eval-mode batch norm of any rank (BatchNorm2d's and 3d's parameters are the same per-channel vectors).
    internal static string Norm(OnnxGraph g, BatchNorm bn, string x, string path) =>
        g.Node("BatchNormalization", path, [x, g.Weight($"{path}.weight", bn.weight!), g.Weight($"{path}.bias", bn.bias!),
            g.Weight($"{path}.running_mean", bn.running_mean!), g.Weight($"{path}.running_var", bn.running_var!)],
            OnnxGraph.Float("epsilon", (float)bn.eps));

    // ONNX pads [t begin, h begin, w begin, t end, h end, w end] of SAME padding, for sizes that are multiples of d;
    // divides d by the stride.
    private static long[] SamePads(IReadOnlyList<long> kernel, IReadOnlyList<long> stride, long[] d, string path)
    {
        var pads = new long[6];
        for (int i = 0; i < 3; i++)
        {
            if (d[i] % stride[i] != 0)
                throw new InvalidOperationException(
                    $"{path}: stride {stride[i]} does not divide the guaranteed size multiple {d[i]}: SAME padding would depend on the input size");
            long total = SamePadding.Total(d[i], kernel[i], stride[i]);
            pads[i] = total / 2;
            pads[i + 3] = total - total / 2;
            d[i] /= stride[i];
        }
        return pads;
    }

    // [B, C, T, H, W] -> the int64 vectors [B] and [T, H, W], read at run time.
    private static (string Batch, string Size) BatchAndSize(OnnxGraph g, string x, string path)
    {
        string shape = g.Node("Shape", $"{path}.shape", [x]);
        string batch = g.Node("Slice", $"{path}.batch", [shape, g.Longs($"{path}.batch_start", 0), g.Longs($"{path}.batch_end", 1)]);
        string size = g.Node("Slice", $"{path}.size_thw", [shape, g.Longs($"{path}.size_start", 2), g.Longs($"{path}.size_end", 5)]);
        return (batch, size);
    }

    private static AttributeProto Fmod(long value) => OnnxGraph.Int("fmod", value);
}

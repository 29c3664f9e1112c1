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
        foreach (EncoderDecoder corrector in correctors) corrector.Decoder.ZeroOutput();
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

    /// <summary>
    /// The ONNX form of <see cref="forward"/> in eval mode, from the graph value <paramref name="video"/>
    /// [batch, 3, time, height, width] to the value named <paramref name="output"/> [batch, n, 3, time, height, width],
    /// every size dynamic: the back of T, H, W replicate-padded (Pad, mode "edge") to multiples of the total stride,
    /// pads computed from the input's shape; after that pad every strided layer sees a size its stride divides, so
    /// each layer's padding is a constant (<see cref="SamePadding.OnnxPads"/>); the layers cropped back at the end.
    /// </summary>
    public string ToOnnx(OnnxGraph g, string video, string output)
    {
        // Replicate-pad the back of T, H, W to multiples of the total stride: pad = (s - size % s) % s.
        (int st, int ss) = I3dEncoder.TotalStride(Config.Endpoint);
        (string batch, string thw) = g.BatchAndSize(video, "input");
        string strides = g.Longs("input.total_stride", st, ss, ss);
        string back = g.Node("Mod", "input.pad_back", [
            g.Node("Sub", "input.stride_minus_rest", [strides, g.Node("Mod", "input.rest", [thw, strides], Fmod(0))]),
            strides], Fmod(0));
        string pads = g.Node("Concat", "input.pads", [g.Longs("input.pads_front_and_bc_back", 0, 0, 0, 0, 0, 0, 0), back], OnnxGraph.Int("axis", 0));
        string x = g.Node("Pad", "input.padded", [video, pads], OnnxGraph.Text("mode", "edge"));

        var divisors = new long[] { st, ss, ss };
        string layers = predictor.ToOnnx(g, x, divisors, "predictor");
        for (int i = 0; i < correctors.Count; i++)
        {
            string input = Config.CorrectorSeesInput
                ? g.Node("Concat", $"correctors.{i}.input", [layers, x], OnnxGraph.Int("axis", 1))
                : layers;
            string correction = correctors[i].ToOnnx(g, input, divisors, $"correctors.{i}");
            layers = g.Node("Add", $"correctors.{i}.corrected", [layers, correction]);
        }

        // Crop back to T, H, W and split the 3n channels: [B, 3n, T, H, W] -> [B, n, 3, T, H, W].
        string cropped = g.Node("Slice", "output.cropped", [layers, g.Longs("output.crop_start", 0, 0, 0), thw,
            g.Longs("output.crop_axes", 2, 3, 4)]);
        string shape = g.Node("Concat", "output.shape", [batch, g.Longs("output.layers", Config.Layers, 3), thw], OnnxGraph.Int("axis", 0));
        if (!Config.MixtureConsistency) return g.Node("Reshape", output, [cropped, shape]);
        // O_i + (V - mean_i O_i): the outputs' average is exactly the input.
        string split = g.Node("Reshape", "output.split", [cropped, shape]);
        string mean = g.Node("ReduceMean", "output.mean", [split], OnnxGraph.Ints("axes", [1]), OnnxGraph.Int("keepdims", 1));
        string unsqueezed = g.Node("Unsqueeze", "output.video", [video, g.Longs("output.layer_axis", 1)]);
        return g.Node("Add", output, [split, g.Node("Sub", "output.consistency", [unsqueezed, mean])]);
    }

    private static Onnx.AttributeProto Fmod(long value) => OnnxGraph.Int("fmod", value);

    private static long RoundUp(long size, long multiple) => (size + multiple - 1) / multiple * multiple;
}

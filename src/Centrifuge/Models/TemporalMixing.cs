using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// The residual temporal convolution after each <see cref="FrameEncoder"/> stage: a Conv3d of kernel (3, 1, 1), a 1D
/// convolution over time at every pixel that mixes each frame with its neighbours, + BatchNorm3d, added back to the
/// input, then ReLU. With time stride 2 it also halves time (the shortcut keeps every second frame, the frames the
/// convolution is centred on). [B, C, T, H, W] -> [B, C, ceil(T/stride), H, W].
/// </summary>
public sealed class TemporalMixing : Module<Tensor, Tensor>, IOnnxLayer, IMacCounted
{
    private readonly Conv3d conv3d;
    private readonly LiveBatchNorm bn;

    public long Channels { get; }
    public long TimeStride { get; }

    public TemporalMixing(long channels, long timeStride, double momentum) : base(nameof(TemporalMixing))
    {
        Channels = channels;
        TimeStride = timeStride;
        conv3d = nn.Conv3d(channels, channels, (3, 1, 1), stride: (timeStride, 1, 1), padding: (1, 0, 0), bias: false);
        bn = new LiveBatchNorm(channels, rank: 5, eps: 1e-3, momentum: momentum);
        RegisterComponents();
    }

    // [B, C, T, H, W] -> [B, C, ceil(T/stride), H, W]
    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        Tensor mixed = bn.forward(conv3d.forward(x));
        Tensor identity = TimeStride == 1 ? x : x.slice(2, 0, x.shape[2], TimeStride);
        return nn.functional.relu(mixed.Plus(identity)).MoveToOuterDisposeScope();
    }

    public double Macs(Tensor input, Tensor output) => (double)output.numel() * Channels * 3;

    // Relu(Add(BatchNormalization(Conv (3, 1, 1), time stride st), every st-th frame: a Slice with step st)).
    // Divides d's T by the stride.
    public string ToOnnx(OnnxGraph g, string x, long[] d, string path)
    {
        long st = TimeStride;
        string conv = g.Node("Conv", $"{path}.conv3d", [x, g.Weight($"{path}.conv3d.weight", conv3d.weight!)],
            OnnxGraph.Ints("kernel_shape", [3, 1, 1]), OnnxGraph.Ints("strides", [st, 1, 1]),
            OnnxGraph.Ints("pads", [1, 0, 0, 1, 0, 0]));
        string mixed = g.BatchNorm(bn, conv, $"{path}.bn");
        string identity = st == 1
            ? x
            : g.Node("Slice", $"{path}.every_{st}th_frame", [x, g.Longs($"{path}.start", 0), g.Longs($"{path}.end", long.MaxValue),
                g.Longs($"{path}.axis", 2), g.Longs($"{path}.step", st)]);
        OnnxGraph.Divide(d, [st, 1, 1], path);
        return g.Node("Relu", $"{path}.relu", [g.Node("Add", $"{path}.sum", [mixed, identity])]);
    }
}

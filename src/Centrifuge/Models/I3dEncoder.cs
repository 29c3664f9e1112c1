using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// The I3D encoder (Carreira &amp; Zisserman 2017, Inception-v1 inflated to 3D) from Conv3d_1a_7x7 to the configured
/// endpoint, without the final pooling and logits (paper appendix A). Kernels, strides and branch widths are the
/// published ones (scaled by <see cref="ModelConfig.Width"/>); submodule names are the PyTorch port's, so
/// <c>state_dict()</c> keys read e.g. <c>Mixed_3b.b1b.conv3d.weight</c>.
/// Returns the features of every resolution stage, for the decoder's skip connections.
/// </summary>
public sealed class I3dEncoder : StageEncoder
{
    // One endpoint of the roster: its paper name, the shallowest encoder endpoint that includes it, how to build it from
    // the channels it receives, and — when it closes a resolution stage — the (time, space) down-sampling of that stage.
    private sealed record Entry(string Name, I3dEndpoint Needs, Func<long, ModelConfig, Module<Tensor, Tensor>> Create,
        (int Time, int Space)? Stage = null, InceptionWidths? Widths = null);

    private static Entry Conv(string name, int channels, long[] kernel, long[] stride, (int, int)? stage = null) =>
        new(name, I3dEndpoint.Mixed_3c, (cin, c) => new Unit3D(cin, c.Scale(channels), kernel, stride, c.BatchNormMomentum), stage);

    private static Entry Pool(string name, I3dEndpoint needs, long[] kernel, long[] stride) =>
        new(name, needs, (_, _) => new MaxPool3dSame(kernel, stride));

    private static Entry Mixed(string name, I3dEndpoint needs, InceptionWidths published, (int, int)? stage = null) =>
        new(name, needs, (cin, c) => new InceptionModule(cin, published.Scaled(c), c.BatchNormMomentum), stage, published);

    /// <summary>
    /// Every endpoint of I3D in forward order, with the published kernels, strides and branch widths: the one place
    /// each is named. A stage's last endpoint feeds a skip connection: Conv3d_1a_7x7 (2,2), MaxPool3d_2a -> Conv3d_2c_3x3
    /// (1,2), MaxPool3d_3a -> Mixed_3c (1,2), MaxPool3d_4a -> Mixed_4f (2,2), MaxPool3d_5a -> Mixed_5c (2,2).
    /// </summary>
    private static readonly Entry[] Roster =
    [
        Conv("Conv3d_1a_7x7", 64, [7, 7, 7], [2, 2, 2], stage: (2, 2)),
        Pool("MaxPool3d_2a_3x3", I3dEndpoint.Mixed_3c, [1, 3, 3], [1, 2, 2]),
        Conv("Conv3d_2b_1x1", 64, [1, 1, 1], [1, 1, 1]),
        Conv("Conv3d_2c_3x3", 192, [3, 3, 3], [1, 1, 1], stage: (1, 2)),
        Pool("MaxPool3d_3a_3x3", I3dEndpoint.Mixed_3c, [1, 3, 3], [1, 2, 2]),
        Mixed("Mixed_3b", I3dEndpoint.Mixed_3c, new(64, 96, 128, 16, 32, 32)),
        Mixed("Mixed_3c", I3dEndpoint.Mixed_3c, new(128, 128, 192, 32, 96, 64), stage: (1, 2)),
        Pool("MaxPool3d_4a_3x3", I3dEndpoint.Mixed_4f, [3, 3, 3], [2, 2, 2]),
        Mixed("Mixed_4b", I3dEndpoint.Mixed_4f, new(192, 96, 208, 16, 48, 64)),
        Mixed("Mixed_4c", I3dEndpoint.Mixed_4f, new(160, 112, 224, 24, 64, 64)),
        Mixed("Mixed_4d", I3dEndpoint.Mixed_4f, new(128, 128, 256, 24, 64, 64)),
        Mixed("Mixed_4e", I3dEndpoint.Mixed_4f, new(112, 144, 288, 32, 64, 64)),
        Mixed("Mixed_4f", I3dEndpoint.Mixed_4f, new(256, 160, 320, 32, 128, 128), stage: (2, 2)),
        Pool("MaxPool3d_5a_2x2", I3dEndpoint.Mixed_5c, [2, 2, 2], [2, 2, 2]),
        Mixed("Mixed_5b", I3dEndpoint.Mixed_5c, new(256, 160, 320, 32, 128, 128)),
        Mixed("Mixed_5c", I3dEndpoint.Mixed_5c, new(384, 192, 384, 48, 128, 128), stage: (2, 2)),
    ];

    /// <summary>The published branch widths of every Inception module.</summary>
    public static readonly IReadOnlyDictionary<string, InceptionWidths> PublishedWidths =
        Roster.Where(e => e.Widths is not null).ToDictionary(e => e.Name, e => e.Widths!);

    /// <summary>
    /// The resolution stages whose last endpoint feeds a skip connection, with the (time, space) down-sampling
    /// factor that leads into each.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, int Time, int Space)> Stages =
        [.. Roster.Where(e => e.Stage is not null).Select(e => (e.Name, e.Stage!.Value.Time, e.Stage!.Value.Space))];

    // Every endpoint in order; submodules are registered under these names (state_dict keys: Mixed_3b.b1b.conv3d.weight).
    private readonly List<(string Name, Module<Tensor, Tensor> Layer)> _endpoints = [];

    public I3dEndpoint Endpoint { get; }

    /// <summary>Channels of each stage's features (what <see cref="forward"/> returns), shallow to deep.</summary>
    public override IReadOnlyList<long> StageChannels { get; }

    public I3dEncoder(ModelConfig config, long inChannels = 3) : base(nameof(I3dEncoder))
    {
        Endpoint = config.Endpoint;
        var channels = new List<long>();
        long current = inChannels;
        foreach (Entry entry in Roster.Where(e => Endpoint >= e.Needs))
        {
            Module<Tensor, Tensor> layer = entry.Create(current, config);
            current = layer switch { Unit3D u => u.OutChannels, InceptionModule i => i.OutChannels, _ => current };
            if (entry.Stage is not null) channels.Add(current);
            _endpoints.Add((entry.Name, layer));
            register_module(entry.Name, layer);
        }
        StageChannels = channels;
    }

    /// <summary>Resolution stages up to an endpoint: 3 (Mixed_3c), 4 (Mixed_4f) or 5 (Mixed_5c).</summary>
    public static int StageCount(I3dEndpoint endpoint) => endpoint switch
    {
        I3dEndpoint.Mixed_3c => 3,
        I3dEndpoint.Mixed_4f => 4,
        _ => 5,
    };

    /// <summary>Total (time, space) stride of the encoder: (2, 8), (4, 16) or (8, 32).</summary>
    public static (int Time, int Space) TotalStride(I3dEndpoint endpoint)
    {
        int t = 1, s = 1;
        for (int i = 0; i < StageCount(endpoint); i++) { t *= Stages[i].Time; s *= Stages[i].Space; }
        return (t, s);
    }

    // [B, Cin, T, H, W] -> one [B, StageChannels[i], T/ti, H/si, W/si] per stage (SAME padding: sizes round up)
    public override Tensor[] forward(Tensor x) => Run(x, null);

    /// <summary>Runs the encoder and reports every endpoint's output shape [B, C, T, H, W] in order.</summary>
    public override Tensor[] Run(Tensor x, List<(string Name, long[] Shape)>? endpointShapes)
    {
        var stages = new List<Tensor>();
        using var scope = torch.NewDisposeScope();
        Tensor current = x;
        foreach ((string name, Module<Tensor, Tensor> layer) in _endpoints)
        {
            Tensor next = layer.call(current);
            // Freed as soon as used (autograd keeps what backward needs): at inference the peak is one layer, not all.
            if (!ReferenceEquals(current, x) && !ReferenceEquals(current, next) && !stages.Any(s => ReferenceEquals(s, current)))
                current.Dispose();
            current = next;
            endpointShapes?.Add((name, current.shape));
            if (Stages.Any(s => s.Name == name)) stages.Add(current);
        }
        foreach (Tensor stage in stages) stage.MoveToOuterDisposeScope();
        return [.. stages];
    }

    // The endpoints in order; the output of each resolution stage's last one, with the size multiples it keeps.
    public override List<(string Value, long[] Divisors)> ToOnnx(OnnxGraph g, string x, long[] divisors, string path)
    {
        var stages = new List<(string Value, long[] Divisors)>();
        var d = (long[])divisors.Clone();
        string current = x;
        foreach ((string name, Module<Tensor, Tensor> layer) in _endpoints)
        {
            current = ((IOnnxLayer)layer).ToOnnx(g, current, d, $"{path}.{name}");
            if (Stages.Any(s => s.Name == name)) stages.Add((current, (long[])d.Clone()));
        }
        return stages;
    }
}

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
    /// <summary>The published branch widths of every Inception module.</summary>
    public static readonly IReadOnlyDictionary<string, InceptionWidths> PublishedWidths = new Dictionary<string, InceptionWidths>
    {
        ["Mixed_3b"] = new(64, 96, 128, 16, 32, 32),
        ["Mixed_3c"] = new(128, 128, 192, 32, 96, 64),
        ["Mixed_4b"] = new(192, 96, 208, 16, 48, 64),
        ["Mixed_4c"] = new(160, 112, 224, 24, 64, 64),
        ["Mixed_4d"] = new(128, 128, 256, 24, 64, 64),
        ["Mixed_4e"] = new(112, 144, 288, 32, 64, 64),
        ["Mixed_4f"] = new(256, 160, 320, 32, 128, 128),
        ["Mixed_5b"] = new(256, 160, 320, 32, 128, 128),
        ["Mixed_5c"] = new(384, 192, 384, 48, 128, 128),
    };

    /// <summary>
    /// The resolution stages whose last endpoint feeds a skip connection, with the (time, space) down-sampling
    /// factor that leads into each: Conv3d_1a_7x7 (2,2), MaxPool3d_2a -> Conv3d_2c_3x3 (1,2),
    /// MaxPool3d_3a -> Mixed_3c (1,2), MaxPool3d_4a -> Mixed_4f (2,2), MaxPool3d_5a -> Mixed_5c (2,2).
    /// </summary>
    public static readonly IReadOnlyList<(string Name, int Time, int Space)> Stages =
    [
        ("Conv3d_1a_7x7", 2, 2), ("Conv3d_2c_3x3", 1, 2), ("Mixed_3c", 1, 2), ("Mixed_4f", 2, 2), ("Mixed_5c", 2, 2),
    ];

    private readonly Unit3D Conv3d_1a_7x7;
    private readonly MaxPool3dSame MaxPool3d_2a_3x3;
    private readonly Unit3D Conv3d_2b_1x1;
    private readonly Unit3D Conv3d_2c_3x3;
    private readonly MaxPool3dSame MaxPool3d_3a_3x3;
    private readonly InceptionModule Mixed_3b;
    private readonly InceptionModule Mixed_3c;
    private readonly MaxPool3dSame? MaxPool3d_4a_3x3;
    private readonly InceptionModule? Mixed_4b;
    private readonly InceptionModule? Mixed_4c;
    private readonly InceptionModule? Mixed_4d;
    private readonly InceptionModule? Mixed_4e;
    private readonly InceptionModule? Mixed_4f;
    private readonly MaxPool3dSame? MaxPool3d_5a_2x2;
    private readonly InceptionModule? Mixed_5b;
    private readonly InceptionModule? Mixed_5c;

    // Every endpoint in order, and which of them close a resolution stage.
    private readonly List<(string Name, Module<Tensor, Tensor> Layer)> _endpoints = [];

    public I3dEndpoint Endpoint { get; }

    /// <summary>Every endpoint layer in forward order (for exporters); those named in <see cref="Stages"/> are returned.</summary>
    public IReadOnlyList<(string Name, Module<Tensor, Tensor> Layer)> Endpoints => _endpoints;

    /// <summary>Channels of each stage's features (what <see cref="forward"/> returns), shallow to deep.</summary>
    public override IReadOnlyList<long> StageChannels { get; }

    public I3dEncoder(ModelConfig config, long inChannels = 3) : base(nameof(I3dEncoder))
    {
        Endpoint = config.Endpoint;
        double m = config.BatchNormMomentum;
        InceptionModule Mixed(string name, long cin) =>
            new(cin, PublishedWidths[name].Scaled(config), m);

        Conv3d_1a_7x7 = new Unit3D(inChannels, config.Scale(64), [7, 7, 7], [2, 2, 2], m);
        MaxPool3d_2a_3x3 = new MaxPool3dSame([1, 3, 3], [1, 2, 2]);
        Conv3d_2b_1x1 = new Unit3D(Conv3d_1a_7x7.OutChannels, config.Scale(64), 1, momentum: m);
        Conv3d_2c_3x3 = new Unit3D(Conv3d_2b_1x1.OutChannels, config.Scale(192), 3, momentum: m);
        MaxPool3d_3a_3x3 = new MaxPool3dSame([1, 3, 3], [1, 2, 2]);
        Mixed_3b = Mixed("Mixed_3b", Conv3d_2c_3x3.OutChannels);
        Mixed_3c = Mixed("Mixed_3c", Mixed_3b.OutChannels);
        var channels = new List<long> { Conv3d_1a_7x7.OutChannels, Conv3d_2c_3x3.OutChannels, Mixed_3c.OutChannels };
        _endpoints.AddRange([
            ("Conv3d_1a_7x7", Conv3d_1a_7x7), ("MaxPool3d_2a_3x3", MaxPool3d_2a_3x3), ("Conv3d_2b_1x1", Conv3d_2b_1x1),
            ("Conv3d_2c_3x3", Conv3d_2c_3x3), ("MaxPool3d_3a_3x3", MaxPool3d_3a_3x3), ("Mixed_3b", Mixed_3b),
            ("Mixed_3c", Mixed_3c)]);

        if (Endpoint >= I3dEndpoint.Mixed_4f)
        {
            MaxPool3d_4a_3x3 = new MaxPool3dSame([3, 3, 3], [2, 2, 2]);
            Mixed_4b = Mixed("Mixed_4b", Mixed_3c.OutChannels);
            Mixed_4c = Mixed("Mixed_4c", Mixed_4b.OutChannels);
            Mixed_4d = Mixed("Mixed_4d", Mixed_4c.OutChannels);
            Mixed_4e = Mixed("Mixed_4e", Mixed_4d.OutChannels);
            Mixed_4f = Mixed("Mixed_4f", Mixed_4e.OutChannels);
            channels.Add(Mixed_4f.OutChannels);
            _endpoints.AddRange([
                ("MaxPool3d_4a_3x3", MaxPool3d_4a_3x3), ("Mixed_4b", Mixed_4b), ("Mixed_4c", Mixed_4c),
                ("Mixed_4d", Mixed_4d), ("Mixed_4e", Mixed_4e), ("Mixed_4f", Mixed_4f)]);
        }
        if (Endpoint >= I3dEndpoint.Mixed_5c)
        {
            MaxPool3d_5a_2x2 = new MaxPool3dSame([2, 2, 2], [2, 2, 2]);
            Mixed_5b = Mixed("Mixed_5b", Mixed_4f!.OutChannels);
            Mixed_5c = Mixed("Mixed_5c", Mixed_5b.OutChannels);
            channels.Add(Mixed_5c.OutChannels);
            _endpoints.AddRange([("MaxPool3d_5a_2x2", MaxPool3d_5a_2x2), ("Mixed_5b", Mixed_5b), ("Mixed_5c", Mixed_5c)]);
        }
        StageChannels = channels;
        RegisterComponents();
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
            Tensor next = layer.forward(current);
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
}

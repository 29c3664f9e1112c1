using Centrifuge.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Evaluation.Downstream;

/// <summary>
/// A small 3D-conv action classifier for the downstream test (paper section 4.1 uses I3D trained on Kinetics; we
/// train this from scratch on our clean clips): three strided Conv3d-BatchNorm-ReLU blocks, global average pooling,
/// a linear layer. [B, 3, T, H, W] in [-1, 1] -> logits [B, classes].
/// </summary>
public sealed class ClipClassifier : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Linear head;

    public int Classes { get; }

    public ClipClassifier(int classes, int width = 16) : base(nameof(ClipClassifier))
    {
        Classes = classes;
        features = Sequential(
            Conv3d(3, width, kernel_size: (3, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1)), new LiveBatchNorm(width, rank: 5), ReLU(),
            Conv3d(width, 2 * width, kernel_size: (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1)), new LiveBatchNorm(2 * width, rank: 5), ReLU(),
            Conv3d(2 * width, 4 * width, kernel_size: (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1)), new LiveBatchNorm(4 * width, rank: 5), ReLU(),
            AdaptiveAvgPool3d(new long[] { 1, 1, 1 }));
        head = Linear(4 * width, classes);
        RegisterComponents();
    }

    // [B, 3, T, H, W] in [-1, 1] -> [B, classes]
    public override Tensor forward(Tensor clips) => head.forward(features.forward(clips).flatten(1));
}

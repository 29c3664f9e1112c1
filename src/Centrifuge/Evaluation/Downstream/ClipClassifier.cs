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
            Conv3d(3, width, kernel_size: (3, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1)), BatchNorm3d(width), ReLU(),
            Conv3d(width, 2 * width, kernel_size: (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1)), BatchNorm3d(2 * width), ReLU(),
            Conv3d(2 * width, 4 * width, kernel_size: (3, 3, 3), stride: (2, 2, 2), padding: (1, 1, 1)), BatchNorm3d(4 * width), ReLU(),
            AdaptiveAvgPool3d(new long[] { 1, 1, 1 }));
        head = Linear(4 * width, classes);
        RegisterComponents();
    }

    // [B, 3, T, H, W] in [-1, 1] -> [B, classes]
    public override Tensor forward(Tensor clips) => head.forward(features.forward(clips).flatten(1));
}

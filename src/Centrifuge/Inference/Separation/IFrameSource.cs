using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>
/// A stream of frames at processing resolution, read in order. The first 3 channels are the video to separate;
/// further channels ride along untouched (a blend's two originals, for its metrics).
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>Up to <paramref name="maxFrames"/> next frames, [C, t, H, W] float32 in [-1, 1] (1 &lt;= t), or null at the end.</summary>
    Tensor? Read(int maxFrames);
}

/// <summary>
/// Frames made final by the sliding-window separation, in order and each exactly once.
/// Layers: [n, 3, f, H, W] in [-1, 1] (aligned to the first window's order); Frames: [C, f, H, W], the source's
/// frames at the same times (input first). Both are disposed after the sink returns.
/// </summary>
public sealed record SeparatedSegment(int FirstFrame, Tensor Layers, Tensor Frames)
{
    public int FrameCount => (int)Layers.shape[2];
}

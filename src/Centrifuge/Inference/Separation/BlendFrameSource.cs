using Centrifuge.Video;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>
/// A synthetic blend V = (1 - alpha) A + alpha B of two videos read in step (the paper's eq. 1), over their common
/// length: [9, t, H, W] = V, A, B stacked on channels (the originals ride along for the metrics).
/// </summary>
public sealed class BlendFrameSource : IFrameSource
{
    private readonly VideoReader _a, _b;
    private readonly double _alpha;

    public BlendFrameSource(VideoReader a, VideoReader b, double alpha)
    {
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"blend of {a.Width}x{a.Height} and {b.Width}x{b.Height} frames");
        _a = a;
        _b = b;
        _alpha = alpha;
    }

    public Tensor? Read(int maxFrames)
    {
        FrameChunk? a = _a.ReadChunk(maxFrames);
        if (a is null) return null;
        FrameChunk? b = _b.ReadChunk(a.Frames);
        if (b is null) return null;
        Tensor ta = FrameTensors.ToTensor(a), tb = FrameTensors.ToTensor(b);
        if (b.Frames < a.Frames) ta = ta.narrow(1, 0, b.Frames);   // B ended first: the common length ends here
        Tensor mixture = ta.Times(1 - _alpha).Plus(tb.Times(_alpha));
        return TorchSharp.torch.cat(new[] { mixture, ta, tb }, 0);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}

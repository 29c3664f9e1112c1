using Centrifuge.Inference.Separation;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Separation;

/// <summary>An in-memory frame source: hands out a [C, N, H, W] video in chunks of varying size, like a decoder.</summary>
public sealed class TensorFrameSource(Tensor video, int seed = 0) : IFrameSource
{
    private readonly Random _random = new(seed);
    private int _next;

    public int Reads { get; private set; }

    public Tensor? Read(int maxFrames)
    {
        int left = (int)video.shape[1] - _next;
        if (left == 0) return null;
        int count = Math.Min(left, Math.Min(maxFrames, _random.Next(1, 6)));
        Tensor chunk = video.narrow(1, _next, count).clone();
        _next += count;
        Reads++;
        return chunk;
    }

    public void Dispose() { }
}

using Centrifuge.Video;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>Frames of one video file, decoded and resized by ffmpeg (<see cref="VideoReader"/>): [3, t, H, W] in [-1, 1].</summary>
public sealed class VideoFrameSource : IFrameSource
{
    private readonly VideoReader _reader;

    public VideoFrameSource(VideoReader reader) => _reader = reader;

    /// <summary>The reader's repairs and losses (frames lost to damage), for the run's warnings.</summary>
    public IReadOnlyList<string> Warnings => _reader.Warnings;

    /// <summary>Frames of a damaged file that could not be decoded (known once the source is exhausted, or unknown).</summary>
    public FrameLoss FramesLost => _reader.FramesLost;

    public Tensor? Read(int maxFrames) => _reader.ReadChunk(maxFrames) is FrameChunk chunk ? FrameTensors.ToTensor(chunk) : null;

    public void Dispose() => _reader.Dispose();
}

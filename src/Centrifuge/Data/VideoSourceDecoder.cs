using Centrifuge.Video;

namespace Centrifuge.Data;

/// <summary>
/// Decodes sources with the Video reader (ffmpeg): videos within their time window, frame folders one image after
/// another, photos as one frame; always resized in ffmpeg so the short side is the one asked for.
/// </summary>
public sealed class VideoSourceDecoder : ISourceDecoder
{
    public static readonly VideoSourceDecoder Instance = new();

    public IDecodedFrames Open(VideoSource source, int shortSide, int startFrame = 0, int? maxFrames = null)
    {
        if (source.Kind == SourceKind.FrameFolder)
        {
            IReadOnlyList<string> files = FrameFiles(source);
            int count = Math.Min(maxFrames ?? int.MaxValue, Math.Max(0, files.Count - startFrame));
            return new ImageSequence(files.Skip(startFrame).Take(count).ToList(), shortSide);
        }
        VideoInfo info = VideoProbe.Probe(source.Path);
        int? window = WindowFrames(source, info);
        int? limit = window is int w ? Math.Min(maxFrames ?? int.MaxValue, Math.Max(0, w - startFrame)) : maxFrames;
        if (source.Kind == SourceKind.Photo) limit = 1;
        var reader = VideoReader.Open(source.Path, new VideoReadOptions
        {
            StartSeconds = source.StartSeconds, StartFrame = startFrame, MaxFrames = limit, ShortSide = shortSide,
        });
        return new ReaderFrames(reader, info.Fps);
    }

    public StoredVideo Probe(VideoSource source, int shortSide)
    {
        if (source.Kind == SourceKind.FrameFolder)
        {
            IReadOnlyList<string> files = FrameFiles(source);
            VideoInfo first = VideoProbe.Probe(files[0]);
            (int fw, int fh) = Resized(first.Width, first.Height, shortSide);
            return new StoredVideo(source, files.Count, fh, fw, 25);
        }
        VideoInfo info = VideoProbe.Probe(source.Path);
        int frames = source.Kind == SourceKind.Photo ? 1 : Math.Min(info.Frames, WindowFrames(source, info) ?? int.MaxValue);
        (int w, int h) = Resized(info.Width, info.Height, shortSide);
        return new StoredVideo(source, frames, h, w, info.Fps) { FramesLost = info.FramesLost, Damage = info.Damage?.Reason };
    }

    // Frames in [StartSeconds, EndSeconds) at the video's rate; null without a window.
    private static int? WindowFrames(VideoSource source, VideoInfo info)
    {
        if (source.EndSeconds is not double end) return source.StartSeconds is null ? null : Math.Max(0, info.Frames - (int)Math.Round(source.StartSeconds.Value * info.Fps));
        return Math.Max(0, (int)Math.Round((end - (source.StartSeconds ?? 0)) * info.Fps));
    }

    // The Video reader's rule: the short side becomes S, the long side is scaled and rounded.
    private static (int Width, int Height) Resized(int width, int height, int side) =>
        side == Math.Min(width, height) ? (width, height)
        : width <= height ? (side, Math.Max(1, (int)Math.Round((double)height * side / width)))
        : (Math.Max(1, (int)Math.Round((double)width * side / height)), side);

    private static IReadOnlyList<string> FrameFiles(VideoSource source) =>
        source.FrameFiles is { Count: > 0 } files ? files
            : throw new CentrifugeException($"{source.Path}: frame folder without frames", ExitCodes.InvalidInput);

    private sealed class ReaderFrames(VideoReader reader, double fps) : IDecodedFrames
    {
        public int Width => reader.Width;
        public int Height => reader.Height;
        public double Fps => fps;
        public string? Damage => reader.Info.Damage?.Reason;
        public FrameLoss FramesLost => reader.FramesLost;

        public IEnumerable<ReadOnlyMemory<byte>> Chunks(int framesPerChunk)
        {
            foreach (FrameChunk chunk in reader.ReadChunks(framesPerChunk)) yield return chunk.Rgb;
        }

        public void Dispose() => reader.Dispose();
    }

    // A folder of frame images: each image is decoded on its own (one ffmpeg run per frame), all at one size.
    private sealed class ImageSequence : IDecodedFrames
    {
        private readonly IReadOnlyList<string> _files;
        private readonly int _shortSide;

        public ImageSequence(IReadOnlyList<string> files, int shortSide)
        {
            _files = files;
            _shortSide = shortSide;
            if (files.Count > 0)
            {
                VideoInfo first = VideoProbe.Probe(files[0]);
                (Width, Height) = Resized(first.Width, first.Height, shortSide);
            }
        }

        public int Width { get; }
        public int Height { get; }
        public double Fps => 25;

        public IEnumerable<ReadOnlyMemory<byte>> Chunks(int framesPerChunk)
        {
            foreach (string file in _files)
            {
                using VideoReader reader = VideoReader.Open(file, new VideoReadOptions { MaxFrames = 1, ShortSide = _shortSide });
                FrameChunk frame = reader.ReadChunk(1)
                    ?? throw new CentrifugeException($"{file}: no image decoded", ExitCodes.DecodeFailed);
                if (frame.Width != Width || frame.Height != Height)
                    throw new CentrifugeException($"{file}: {frame.Width}x{frame.Height}, the sequence's frames are {Width}x{Height}", ExitCodes.InvalidInput);
                yield return frame.Rgb;
            }
        }

        public void Dispose() { }
    }
}

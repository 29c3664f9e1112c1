using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Video;

/// <summary>
/// Encodes RGB frames with one ffmpeg process: H.264 yuv420p (MP4 with faststart, MKV or MOV), or FFV1 (MKV/AVI) when
/// lossless. Writes to a temporary name in the same folder and renames it into place on <see cref="Complete"/>;
/// disposing without completing kills ffmpeg and deletes the temporary file, so a failed run leaves nothing behind.
/// </summary>
public sealed class VideoWriter : IDisposable
{
    private readonly FfmpegProcess _process;
    private readonly VideoWriterOptions _options;
    private readonly List<string> _warnings = [];
    private readonly MatroskaRawFrames? _timed;
    private bool _done;

    public string Path { get; }
    /// <summary>The temporary file being written (renamed to <see cref="Path"/> by <see cref="Complete"/>).</summary>
    public string TempPath { get; }
    /// <summary>Size of the frames written (the video is encoded at <see cref="VideoWriterOptions.ScaleTo"/> when set).</summary>
    public int Width { get; }
    public int Height { get; }
    public int FramesWritten { get; private set; }
    /// <summary>Changes made to fit the encoder, e.g. an odd size padded to even for yuv420p.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    private VideoWriter(string path, string tempPath, int width, int height, double fps, VideoWriterOptions options)
    {
        Path = path;
        TempPath = tempPath;
        Width = width;
        Height = height;
        _options = options;
        // Raw frames at a constant rate, or, for a variable-rate input, Matroska-framed with each frame's own time.
        var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error" };
        args.AddRange(options.FrameTimes is null
            ? ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-framerate", fps.ToString("0.#########", CultureInfo.InvariantCulture)]
            : ["-f", "matroska"]);
        args.AddRange(["-i", "pipe:0", "-an"]);
        if (options.FrameTimes is not null) args.AddRange(["-fps_mode", "passthrough"]);
        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        var filters = new List<string>();
        (int encodedWidth, int encodedHeight) = options.ScaleTo ?? (width, height);
        if (options.ScaleTo is not null && (encodedWidth, encodedHeight) != (width, height))
        {
            bool shrink = (long)encodedWidth * encodedHeight < (long)width * height;
            filters.Add($"scale={encodedWidth}:{encodedHeight}:flags={(shrink ? "area" : "bilinear")}");
        }
        if (options.Lossless)
        {
            if (filters.Count > 0) args.AddRange(["-vf", string.Join(',', filters)]);
            args.AddRange(["-c:v", "ffv1", "-level", "3", "-pix_fmt", "bgr0", "-f", extension == ".avi" ? "avi" : "matroska"]);
        }
        else
        {
            if (encodedWidth % 2 != 0 || encodedHeight % 2 != 0)
            {
                filters.Add("pad=ceil(iw/2)*2:ceil(ih/2)*2");
                _warnings.Add($"{path}: {encodedWidth}x{encodedHeight} padded to {encodedWidth + encodedWidth % 2}x{encodedHeight + encodedHeight % 2} " +
                              "(H.264 yuv420p needs even sizes)");
            }
            if (filters.Count > 0) args.AddRange(["-vf", string.Join(',', filters)]);
            args.AddRange(["-c:v", "libx264", "-preset", options.Preset,
                "-crf", options.Crf.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p"]);
            args.AddRange(extension switch
            {
                ".mkv" => ["-f", "matroska"],
                ".mov" => ["-f", "mov", "-movflags", "+faststart"],
                _ => ["-f", "mp4", "-movflags", "+faststart"],
            });
        }
        args.AddRange(["-y", tempPath]);
        _process = FfmpegProcess.Start(FfmpegInstallation.Default.FfmpegPath, args, redirectStdin: true);
        if (options.FrameTimes is { } times)
        {
            try { _timed = new MatroskaRawFrames(_process.StandardInput, width, height, times); }
            catch (IOException) { throw Failed(); }
        }
    }

    /// <summary>
    /// Starts encoding to <paramref name="path"/> (.mp4/.mkv/.mov; lossless: .mkv/.avi) frames of
    /// <paramref name="width"/> x <paramref name="height"/>. Refuses an existing file unless <see cref="VideoWriterOptions.Force"/>.
    /// </summary>
    public static VideoWriter Create(string path, int width, int height, double fps, VideoWriterOptions? options = null)
    {
        options ??= new VideoWriterOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (!(fps > 0)) throw new ArgumentOutOfRangeException(nameof(fps), "fps must be positive");
        if (options.ScaleTo is { } scaleTo && (scaleTo.Width <= 0 || scaleTo.Height <= 0))
            throw new ArgumentOutOfRangeException(nameof(options), $"ScaleTo {scaleTo.Width}x{scaleTo.Height} must be positive");
        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (options.Lossless && extension is not (".mkv" or ".avi"))
            throw new CentrifugeException($"{path}: lossless (FFV1) output needs a .mkv or .avi name", ExitCodes.Usage);
        if (!options.Lossless && extension is not (".mp4" or ".m4v" or ".mkv" or ".mov"))
            throw new CentrifugeException($"{path}: H.264 output needs a .mp4, .mkv or .mov name", ExitCodes.Usage);
        if (Directory.Exists(path))
            throw new CentrifugeException($"{path}: is a directory, cannot write a video there", ExitCodes.WriteFailed);
        if (File.Exists(path) && !options.Force)
            throw new CentrifugeException($"{path}: already exists", ExitCodes.OutputExists);
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
            throw new CentrifugeException($"{path}: output folder {folder} does not exist", ExitCodes.WriteFailed);
        return new VideoWriter(path, AtomicFile.TempPath(path, extension), width, height, fps, options);
    }

    /// <summary>Appends frames: [T, H, W, 3] uint8, H and W equal to the writer's size.</summary>
    public void Write(FrameChunk frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ObjectDisposedException.ThrowIf(_done, this);
        if (frames.Width != Width || frames.Height != Height)
            throw new ArgumentException($"frames are {frames.Width}x{frames.Height}, the writer expects {Width}x{Height}", nameof(frames));
        try
        {
            if (_timed is not null) _timed.Write(frames.Rgb.AsSpan(0, frames.Frames * frames.FrameBytes), frames.Frames);
            else _process.StandardInput.Write(frames.Rgb, 0, frames.Frames * frames.FrameBytes);
        }
        catch (IOException)
        {
            throw Failed();   // ffmpeg exited (bad option, disk full): its stderr says why
        }
        FramesWritten += frames.Frames;
        _process.SampleMemory();
    }

    /// <summary>Appends frames given as a tensor: [3, T, H, W] in [-1, 1].</summary>
    public void Write(Tensor video)
    {
        using var scope = torch.NewDisposeScope();
        Write(FrameTensors.FromTensor(video));
    }

    /// <summary>Finishes encoding and renames the temporary file to <see cref="Path"/>.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (FramesWritten == 0)
            throw new CentrifugeException($"{Path}: no frames were written", ExitCodes.WriteFailed);
        _process.SampleMemory();
        try { _process.StandardInput.Close(); }
        catch (IOException) { throw Failed(); }
        int code = _process.WaitForExit(out string stderr);
        if (code != 0 || !File.Exists(TempPath))
            throw Failed(stderr);
        // ffmpeg can exit 0 after failing to finish a file (a full disk during the faststart rewrite): check what was written.
        int packets = VideoProbe.CountPackets(TempPath);
        if (packets != FramesWritten)
            throw new CentrifugeException(
                $"{Path}: encoding ended early: the file holds {Math.Max(0, packets)} of {FramesWritten} frames " +
                $"({(Reason(stderr) is { Length: > 0 } reason ? reason : "disk full?")})", ExitCodes.WriteFailed);
        if (File.Exists(Path) && !_options.Force)
            throw new CentrifugeException($"{Path}: already exists", ExitCodes.OutputExists);
        AtomicFile.Commit(TempPath, Path, _options.Force);
        _done = true;
        _process.Dispose();
    }

    /// <summary>Without <see cref="Complete"/>: stops ffmpeg and deletes the temporary file.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        _process.Dispose();
        try { File.Delete(TempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // ffmpeg's first line, naming the file as the caller knows it, not the temporary name it is being written as.
    private string Reason(string stderr) => FfmpegProcess.FirstLine(stderr).Replace(TempPath, Path);

    private CentrifugeException Failed(string? stderr = null)
    {
        if (stderr is null) _process.WaitForExit(out stderr);
        string reason = Reason(stderr);
        return new CentrifugeException($"{Path}: encoding failed ({(reason.Length == 0 ? "ffmpeg stopped" : reason)})",
            ExitCodes.WriteFailed);
    }
}

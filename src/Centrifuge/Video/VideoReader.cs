namespace Centrifuge.Video;

/// <summary>
/// Streams a video's frames as uint8 RGB chunks [T, H, W, 3] from one ffmpeg process (decode, resample, resize and
/// crop all in ffmpeg; raw rgb24 over a pipe). Memory is one chunk: the video is never held whole. A damaged stream
/// yields every frame ffmpeg can decode (damage concealed) and reports the frames it could not as
/// <see cref="FramesLost"/>, with a warning; under <see cref="VideoReadOptions.Strict"/> a file with lost frames is refused.
/// </summary>
public sealed class VideoReader : IDisposable
{
    private readonly VideoReadOptions _options;
    private readonly ReadPlan _plan;
    private readonly FfmpegProcess _process;
    private readonly List<string> _warnings = [];
    private bool _finished;

    public VideoInfo Info { get; }
    /// <summary>Output frame width (after resize and crop).</summary>
    public int Width => _plan.Width;
    /// <summary>Output frame height (after resize and crop).</summary>
    public int Height => _plan.Height;
    public int FramesRead { get; private set; }
    /// <summary>Frames this read should have delivered but could not decode (corrupt or truncated stream); known at the end
    /// (unknown for a damaged file whose container declares no length).</summary>
    public FrameLoss FramesLost { get; private set; }
    /// <summary>Repairs made instead of failing (upscaled for a crop, fewer frames than asked, frames lost).</summary>
    public IReadOnlyList<string> Warnings => _warnings;
    /// <summary>The ffmpeg filter chain this reader runs (for benchmarks and diagnostics).</summary>
    public string Filter => _plan.Filter;

    private VideoReader(VideoInfo info, VideoReadOptions options, ReadPlan plan)
    {
        Info = info;
        _options = options;
        _plan = plan;
        _warnings.AddRange(plan.Warnings);
        _process = FfmpegProcess.Start(FfmpegInstallation.Default.FfmpegPath, plan.Arguments);
    }

    /// <summary>Probes and opens <paramref name="path"/>; throws <see cref="CentrifugeException"/> for unusable files.</summary>
    public static VideoReader Open(string path, VideoReadOptions? options = null)
    {
        options ??= new VideoReadOptions();
        VideoInfo info = VideoProbe.Probe(path);
        ReadPlan plan = ReadPlan.Build(info, options);
        if (options.Strict && info.Damage is { FramesLost.Any: true } damage)
            throw new CentrifugeException($"{path}: {damage.Reason}", damage.ExitCode);
        if (options.TargetFps is null && options.StartSeconds is null)
        {
            int available = Math.Max(0, info.Frames - options.StartFrame);
            if (options.Strict && options.MaxFrames > available)
                throw TooShort(path, options.MaxFrames.Value, available, options.StartFrame);
        }
        return new VideoReader(info, options, plan);
    }

    /// <summary>Reads up to <paramref name="maxFrames"/> frames: [T, H, W, 3] uint8; null at the end of the stream.</summary>
    public FrameChunk? ReadChunk(int maxFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrames);
        if (_finished) return null;
        int wanted = maxFrames;
        if (_options.MaxFrames is int max) wanted = Math.Min(wanted, max - FramesRead);
        // Never allocate for more frames than the file can still deliver (ReadChunk(int.MaxValue) must not explode).
        if (_options.TargetFps is null && _options.StartSeconds is null)
            wanted = Math.Min(wanted, Math.Max(1, ExpectedIntactFrames() - FramesRead));
        if (wanted <= 0)
        {
            Finish();
            return null;
        }
        int frameBytes = Width * Height * 3;
        var buffer = new byte[(long)wanted * frameBytes];
        _process.SampleMemory();
        int filled = ReadFully(_process.StandardOutput, buffer);
        int frames = filled / frameBytes;
        FramesRead += frames;
        if (filled < buffer.Length) Finish();
        if (frames == 0) return null;
        if (frames < wanted) Array.Resize(ref buffer, frames * frameBytes);
        return new FrameChunk(buffer, frames, Height, Width);
    }

    /// <summary>Every remaining frame, <paramref name="framesPerChunk"/> at a time (the last chunk may be shorter).</summary>
    public IEnumerable<FrameChunk> ReadChunks(int framesPerChunk)
    {
        while (ReadChunk(framesPerChunk) is FrameChunk chunk) yield return chunk;
    }

    public void Dispose() => _process.Dispose();

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = stream.Read(buffer, filled, Math.Min(buffer.Length - filled, 1 << 20));
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }

    // End of stream: decide whether it ended cleanly, short of what an intact file would give (damage), or short of MaxFrames.
    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        bool reachedLimit = _options.MaxFrames is int max && FramesRead >= max;
        if (reachedLimit) return;   // ffmpeg may still be running (-frames:v stops it); Dispose ends it
        int code = _process.WaitForExit(out string stderr);
        if (Info.Damage is { } damage)
        {
            // A container that declares no length: a read that reached the end may have missed any number of frames.
            FrameLoss lost = damage.FramesLost.IsUnknown ? FrameLoss.Unknown : FrameLoss.Of(ExpectedIntactFrames() - FramesRead);
            FramesLost = lost;
            if (_options.Strict && lost.Any) throw new CentrifugeException($"{Info.Path}: {damage.Reason}", damage.ExitCode);
            _warnings.Add(lost.Any
                ? $"{Info.Path}: {damage.Reason}; this read returned {FramesRead} frames, {lost.Describe()}"
                : $"{Info.Path}: {damage.Reason}");
            return;
        }
        if (code != 0)
        {
            // Damage the probe did not look for (a header-trusting probe): what ffmpeg says, and what came out.
            string reason = $"decode error after frame {FramesRead}: {FfmpegProcess.FirstLine(stderr)}";
            if (_options.Strict) throw new CentrifugeException($"{Info.Path}: {reason}", ExitCodes.DecodeFailed);
            FramesLost = FrameLoss.Of(ExpectedIntactFrames() - FramesRead);
            _warnings.Add($"{Info.Path}: {reason}; returned {FramesRead} frames, {FramesLost.Count} lost");
            return;
        }
        if (_options.MaxFrames is int wanted && FramesRead < wanted)
        {
            if (_options.Strict) throw TooShort(Info.Path, wanted, FramesRead, _plan.SkippedFrames);
            _warnings.Add($"{Info.Path}: only {FramesRead} of {wanted} requested frames available");
        }
    }

    // Frames this read would have delivered from an intact file (an estimate under fps resampling).
    private int ExpectedIntactFrames()
    {
        int intact = Info.Frames + (Info.Damage?.FramesLost.Count ?? 0);
        double perSource = _options.TargetFps is double fps && Info.Fps > 0 ? fps / Info.Fps : 1.0;
        int available = (int)Math.Round(Math.Max(0, intact - _plan.SkippedFrames) * perSource);
        return _options.MaxFrames is int max ? Math.Min(max, available) : available;
    }

    private static CentrifugeException TooShort(string path, int wanted, int available, int start) =>
        new($"{path}: only {available} frames available{(start > 0 ? $" from frame {start}" : "")}, {wanted} requested",
            ExitCodes.TooShort);
}

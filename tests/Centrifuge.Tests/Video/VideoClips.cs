using Centrifuge.Video;

namespace Centrifuge.Tests.Video;

/// <summary>
/// Test videos generated once per test run with ffmpeg's lavfi sources (testsrc2, mandelbrot, color), plus the bad
/// files of the table made from them. Shared by every Video test class through <see cref="VideoCollection"/>.
/// </summary>
public sealed class VideoClips : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("centrifuge-video-clips-").FullName;
    private readonly Dictionary<string, string> _clips = [];
    private readonly string? _previousCacheDir = Environment.GetEnvironmentVariable("CENTRIFUGE_CACHE_DIR");

    public const int Frames = 50;          // testsrc2 clips: 2 s at 25 fps
    public const int Width = 160, Height = 120;

    public VideoClips()
    {
        // Frame counts are cached per file; keep this run's cache out of the user's home folder.
        Environment.SetEnvironmentVariable("CENTRIFUGE_CACHE_DIR", System.IO.Path.Combine(_dir, "cache"));
        string testsrc = $"testsrc2=size={Width}x{Height}:rate=25:duration=2";
        Make("testsrc.mkv", "-f", "lavfi", "-i", testsrc, "-c:v", "ffv1", "-pix_fmt", "bgr0");
        Make("testsrc.mp4", "-f", "lavfi", "-i", testsrc, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "12",
            "-movflags", "+faststart");
        Make("mandelbrot.mkv", "-f", "lavfi", "-i", "mandelbrot=size=128x96:rate=25", "-frames:v", "24",
            "-c:v", "ffv1", "-pix_fmt", "bgr0");
        Make("gradients.mkv", "-f", "lavfi", "-i", "gradients=size=128x96:rate=25:seed=1,format=rgb24", "-frames:v", "24",
            "-c:v", "ffv1", "-pix_fmt", "bgr0");
        Make("color.mkv", "-f", "lavfi", "-i", "color=c=0x3366CC:size=64x48:rate=25:duration=0.4,format=rgb24",
            "-c:v", "ffv1", "-pix_fmt", "bgr0");
        Make("rotated.mp4", "-i", Path("testsrc.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90");
        Make("huge.avi", "-f", "lavfi", "-i", "color=c=0x808040:size=4096x4096:rate=5", "-frames:v", "3", "-c:v", "mjpeg", "-q:v", "10");
        Make("audio-only.m4a", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.5", "-c:a", "aac");
        Make("mpeg4.avi", "-f", "lavfi", "-i", testsrc, "-c:v", "mpeg4", "-g", "10", "-q:v", "3");
        MakeBadFiles();
    }

    /// <summary>The path of a generated file.</summary>
    public string Path(string name) => System.IO.Path.Combine(_dir, name);

    /// <summary>Generates a short clip with <paramref name="encoder"/> into <paramref name="name"/> (cached), or null
    /// when this ffmpeg lacks that encoder.</summary>
    public string? Exotic(string name, string encoder, params string[] extra)
    {
        lock (_clips)
        {
            if (_clips.TryGetValue(name, out string? made)) return made;
            if (!FfmpegInstallation.Default.Encoders().Contains(encoder)) return null;
            var args = new List<string> { "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "12", "-c:v", encoder };
            args.AddRange(extra);
            Make(name, [.. args]);
            return _clips[name] = Path(name);
        }
    }

    /// <summary>ffprobe's own count of decoded frames (an independent reference for the probe's count).</summary>
    public static int CountWithFfprobe(string path)
    {
        var (code, output, error) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path]);
        if (code != 0) throw new InvalidOperationException($"ffprobe failed on {path}: {error}");
        return int.Parse(output.Trim().Split('\n')[0].Trim(',', ' '), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Reads every frame of a file at its own size, as bytes [T, H, W, 3] (reference for exactness tests).</summary>
    public static byte[] ReadAll(string path, VideoReadOptions? options = null)
    {
        using VideoReader reader = VideoReader.Open(path, options);
        using var all = new MemoryStream();
        foreach (FrameChunk chunk in reader.ReadChunks(16)) all.Write(chunk.Rgb, 0, chunk.Frames * chunk.FrameBytes);
        return all.ToArray();
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("CENTRIFUGE_CACHE_DIR", _previousCacheDir);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void MakeBadFiles()
    {
        File.WriteAllBytes(Path("empty.mp4"), []);
        File.WriteAllText(Path("text.mp4"), "this is a text file, not a video\n");
        Directory.CreateDirectory(Path("folder.mp4"));

        byte[] mp4 = File.ReadAllBytes(Path("testsrc.mp4"));              // faststart: moov first, mdat cut
        File.WriteAllBytes(Path("truncated.mp4"), mp4[..(mp4.Length * 6 / 10)]);

        // An MP4 with only ftyp and mdat boxes: complete boxes, no moov, so no stream at all.
        var boxes = new MemoryStream();
        boxes.Write([0, 0, 0, 20, .. "ftypisom"u8, 0, 0, 2, 0, .. "isom"u8]);
        boxes.Write([0, 0, 0x04, 0x08, .. "mdat"u8]);
        boxes.Write(new byte[0x0400]);
        File.WriteAllBytes(Path("ftyp-mdat.mp4"), boxes.ToArray());

        // A corrupt stream: scramble 2000 bytes in the middle of an MPEG-4 part 2 AVI.
        byte[] avi = File.ReadAllBytes(Path("mpeg4.avi"));
        for (int i = avi.Length / 2; i < avi.Length / 2 + 2000; i++) avi[i] = (byte)(avi[i] * 7 + 13);
        File.WriteAllBytes(Path("corrupt.avi"), avi);

        // A codec this ffmpeg cannot decode: the MPEG-4 AVI with its FourCC changed to an unknown one.
        byte[] unknown = File.ReadAllBytes(Path("mpeg4.avi"));
        for (int i = 0; i + 4 <= 512; i++)
            if (unknown.AsSpan(i, 4).SequenceEqual("FMP4"u8)) "ZZZZ"u8.CopyTo(unknown.AsSpan(i, 4));
        File.WriteAllBytes(Path("unknown-codec.avi"), unknown);
    }

    private void Make(string name, params string[] args)
    {
        var (code, _, error) = FfmpegProcess.Run(FfmpegInstallation.Default.FfmpegPath,
            new[] { "-nostdin", "-hide_banner", "-v", "error", "-y" }.Concat(args).Append(Path(name)));
        if (code != 0) throw new InvalidOperationException($"ffmpeg could not make {name}: {error}");
    }
}

[CollectionDefinition(Name)]
public sealed class VideoCollection : ICollectionFixture<VideoClips>
{
    public const string Name = "Video clips";
}

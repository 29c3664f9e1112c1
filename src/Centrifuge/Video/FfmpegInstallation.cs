namespace Centrifuge.Video;

/// <summary>Finds ffmpeg and ffprobe and reports their version and codecs. All video work goes through these two.</summary>
public sealed record FfmpegInstallation(string FfmpegPath, string FfprobePath)
{
    /// <summary>Codecs Centrifuge needs: libx264 to encode outputs, common decoders for inputs.</summary>
    public static readonly IReadOnlyList<string> RequiredEncoders = ["libx264", "ffv1", "png"];
    public static readonly IReadOnlyList<string> RequiredDecoders = ["h264", "mpeg4", "mjpeg", "vp9", "ffv1", "png", "rawvideo"];

    private static readonly Lazy<FfmpegInstallation> _default = new(Locate);

    /// <summary>The installation found once per process (Video/ uses this for every ffmpeg call).</summary>
    public static FfmpegInstallation Default
    {
        get
        {
            try { return _default.Value; }
            catch (CentrifugeException) { return Locate(); }   // rethrows the clear "not found" error each time
        }
    }

    /// <summary>Locates ffmpeg and ffprobe on PATH (or CENTRIFUGE_FFMPEG / CENTRIFUGE_FFPROBE), or throws a clear error.</summary>
    public static FfmpegInstallation Locate()
    {
        string ffmpeg = Resolve("CENTRIFUGE_FFMPEG", "ffmpeg");
        string ffprobe = Resolve("CENTRIFUGE_FFPROBE", "ffprobe");
        return new FfmpegInstallation(ffmpeg, ffprobe);
    }

    /// <summary>The first line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.6-0+deb12u1".</summary>
    public string FfmpegVersion() => FirstLine(RunToString(FfmpegPath, "-hide_banner -version"));

    public string FfprobeVersion() => FirstLine(RunToString(FfprobePath, "-hide_banner -version"));

    /// <summary>Names of the encoders this ffmpeg build offers.</summary>
    public IReadOnlySet<string> Encoders() => ParseCodecList(RunToString(FfmpegPath, "-hide_banner -encoders"));

    /// <summary>Names of the decoders this ffmpeg build offers.</summary>
    public IReadOnlySet<string> Decoders() => ParseCodecList(RunToString(FfmpegPath, "-hide_banner -decoders"));

    private static string Resolve(string variable, string name)
    {
        string? configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (File.Exists(configured)) return configured;
            throw new CentrifugeException($"{variable}={configured}: no such file", ExitCodes.Environment);
        }
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CentrifugeException(
            $"{name} not found on PATH: install it (Debian: apt-get install ffmpeg) or set {variable}", ExitCodes.Environment);
    }

    // "ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers" -> up to the copyright.
    private static string FirstLine(string text)
    {
        string line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
        int copyright = line.IndexOf(" Copyright", StringComparison.Ordinal);
        return copyright > 0 ? line[..copyright] : line;
    }

    // Lines look like " V....D libx264   libx264 H.264 / AVC / MPEG-4 AVC ..." after a "------" separator.
    private static IReadOnlySet<string> ParseCodecList(string text)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool inList = false;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("------", StringComparison.Ordinal)) { inList = true; continue; }
            if (!inList || line.Length == 0) continue;
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2) names.Add(parts[1]);
        }
        return names;
    }

    private static string RunToString(string exe, string arguments) =>
        FfmpegProcess.Run(exe, arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Output;
}

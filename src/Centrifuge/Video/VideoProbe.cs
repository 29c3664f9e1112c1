using System.Globalization;
using System.Text.Json;

namespace Centrifuge.Video;

/// <summary>
/// Reads a video file's size, rotation, frame rate, duration and codec with ffprobe (JSON), and its true frame count
/// by decoding (cached). Every way a file can be unusable becomes a <see cref="CentrifugeException"/> naming the file,
/// the reason and a distinct exit code.
/// </summary>
public static class VideoProbe
{
    /// <summary>Probes <paramref name="path"/>; throws <see cref="CentrifugeException"/> when it is not a usable video.
    /// A file that is usable up to some damage (truncated, corrupt part-way) is returned with <see cref="VideoInfo.Damage"/> set.</summary>
    public static VideoInfo Probe(string path) => Probe(path, FrameCountMode.Decode);

    /// <summary>As <see cref="Probe(string)"/>, choosing how the frame count is found.</summary>
    public static VideoInfo Probe(string path, FrameCountMode mode)
    {
        CheckFile(path);
        var (code, output, stderr) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "error", "-hide_banner", "-show_streams", "-show_format", "-of", "json", "-i", path]);
        using JsonDocument? document = code == 0 ? TryParse(output) : null;
        if (document is null) throw Unreadable(path, stderr);

        JsonElement root = document.RootElement;
        JsonElement? stream = FirstVideoStream(root);
        if (stream is null)
        {
            string kinds = root.TryGetProperty("streams", out JsonElement streams)
                ? string.Join(", ", streams.EnumerateArray().Select(s => Str(s, "codec_type") ?? "unknown"))
                : "";
            throw new CentrifugeException(
                $"{path}: no video stream (streams: {(kinds.Length == 0 ? "none" : kinds)})", ExitCodes.NoVideoStream);
        }

        JsonElement v = stream.Value;
        string codec = Str(v, "codec_name") ?? "";
        if (codec.Length == 0 || codec == "none")
            throw new CentrifugeException(
                $"{path}: video codec '{Str(v, "codec_tag_string") ?? "unknown"}' has no decoder in this ffmpeg",
                ExitCodes.UnsupportedCodec);
        int codedWidth = Int(v, "width"), codedHeight = Int(v, "height");
        if (codedWidth <= 0 || codedHeight <= 0)
            throw new CentrifugeException($"{path}: video stream has no frame size ({codec})", ExitCodes.InvalidInput);

        int rotation = Rotation(v);
        bool swap = rotation is 90 or 270;
        double realFps = Rate(Str(v, "r_frame_rate"));
        double avgFps = Rate(Str(v, "avg_frame_rate"));
        double fps = avgFps > 0 ? avgFps : realFps;   // theora in ogg reports avg 0/0
        JsonElement format = root.TryGetProperty("format", out JsonElement f) ? f : default;
        double duration = Dbl(v, "duration") is var d and > 0 ? d : Dbl(format, "duration");
        double streamStart = Dbl(v, "start_time") - Dbl(format, "start_time");

        int headerFrames = Int(v, "nb_frames");
        bool trustHeader = mode == FrameCountMode.HeaderWhenConsistent && headerFrames > 0 && fps > 0 &&
                           Math.Abs(duration * fps - headerFrames) <= 1.0;
        FrameCounter.Count count = trustHeader ? new FrameCounter.Count(headerFrames, null) : FrameCounter.Get(path);
        VideoDamage? damage = Damage(path, count, headerFrames, duration * fps);
        if (count.Frames == 0)
            throw new CentrifugeException(damage is null
                ? $"{path}: no frame could be decoded ({codec})"
                : $"{path}: no frame could be decoded: {damage.Reason}",
                damage?.ExitCode ?? ExitCodes.DecodeFailed);

        return new VideoInfo(path, swap ? codedHeight : codedWidth, swap ? codedWidth : codedHeight, rotation,
            fps, realFps, duration, codec, Str(v, "pix_fmt") ?? "", count.Frames)
        {
            HeaderFrames = headerFrames,
            FramesCounted = !trustHeader,
            StreamStartSeconds = Math.Max(0, streamStart),
            Damage = damage,
        };
    }

    /// <summary>Video packets in a file, counted by demuxing (no decoding); -1 when ffprobe cannot read it.</summary>
    internal static int CountPackets(string path)
    {
        var (code, output, _) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", "-i", path]);
        return code == 0 && int.TryParse(output.Trim().Split('\n')[0].Trim(','), NumberStyles.Integer, CultureInfo.InvariantCulture, out int packets)
            ? packets : -1;
    }

    /// <summary>The checks that need no ffmpeg: exists, is a file, is not empty.</summary>
    internal static void CheckFile(string path)
    {
        if (Directory.Exists(path))
            throw new CentrifugeException($"{path}: is a directory, not a video file", ExitCodes.NotAFile);
        if (!File.Exists(path))
            throw new CentrifugeException($"{path}: no such file", ExitCodes.MissingInput);
        // A pipe (`<(cat x.mp4)`, /dev/stdin, a FIFO) can be read once; a video is probed, counted and then read. The
        // kind is checked before opening: opening a FIFO with no writer blocks for ever.
        if (UnixPaths.KindOf(path) is not (FileKind.Regular or FileKind.Missing))
            throw new CentrifugeException($"{path}: is a pipe or device, not a regular file (save it to a file first)", ExitCodes.NotAFile);
        using (var stream = OpenForCheck(path))
            if (!stream.CanSeek)
                throw new CentrifugeException($"{path}: is a pipe or device, not a regular file (save it to a file first)", ExitCodes.NotAFile);
        if (new FileInfo(path).Length == 0)
            throw new CentrifugeException($"{path}: file is empty (0 bytes)", ExitCodes.EmptyFile);
    }

    // Damage is a decode error or a container cut short. What was lost is what the container promised (its frame count,
    // or its declared duration x rate) minus what decoded; a file with damage but nothing lost is only a warning. A
    // container that declares no length (a cut-off .ts, a streamed .mkv: ffmpeg estimates the duration from what is there)
    // promises nothing, so what followed the damage is unknown, never "none lost".
    private static VideoDamage? Damage(string path, FrameCounter.Count count, int headerFrames, double durationFrames)
    {
        ContainerLayout layout = ContainerLayout.Inspect(path);
        if (!layout.Truncated && count.Error is null) return null;
        string what = layout.Truncated ? $"truncated: {layout.Detail}" : $"decode errors (first: {count.Error})";
        int exitCode = layout.Truncated ? ExitCodes.TruncatedInput : ExitCodes.DecodeFailed;
        int? promised = headerFrames > 0 ? headerFrames
            : durationFrames > 0 && DeclaresDuration(path) ? (int)Math.Round(durationFrames) : null;
        if (promised is not int known)
            return new VideoDamage($"{what}; {count.Frames} frames decoded, an unknown number lost (the container declares no length)",
                exitCode, FrameLoss.Unknown);
        int expected = Math.Max(count.Frames, known);
        int lost = expected - count.Frames;
        string loss = lost > 0 ? $"{count.Frames} of {expected} frames decoded, {lost} lost" : $"all {count.Frames} frames decoded, none lost";
        return new VideoDamage($"{what}; {loss}", exitCode, FrameLoss.Of(lost));
    }

    // True when the container states its duration (ffmpeg "estimates" it "from stream"), false when ffmpeg had to
    // estimate it from the timestamps or the bit rate of what is in the file. Only asked of damaged files: the answer
    // is in ffmpeg's trace log, the one place it is given.
    private static bool DeclaresDuration(string path)
    {
        var (_, _, log) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath, ["-v", "trace", "-hide_banner", "-i", path]);
        int at = log.IndexOf("(estimate from ", StringComparison.Ordinal);
        return at < 0 || log.AsSpan(at).StartsWith("(estimate from stream)");   // no such line (another ffmpeg): trust the duration
    }

    private static FileStream OpenForCheck(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CentrifugeException($"{path}: permission denied (cannot read the file)", ExitCodes.InvalidInput, e);
        }
        catch (IOException e)
        {
            throw new CentrifugeException($"{path}: cannot be opened ({e.Message})", ExitCodes.InvalidInput, e);
        }
    }

    private static CentrifugeException Unreadable(string path, string stderr)
    {
        ContainerLayout layout = ContainerLayout.Inspect(path);
        if (layout.Truncated)
            return new CentrifugeException($"{path}: truncated: {layout.Detail}", ExitCodes.TruncatedInput);
        if (layout.Kind == "isobmff" && !layout.HasBox("moov"))
            return new CentrifugeException(
                $"{path}: no video stream (MP4 has no moov box, only {string.Join("/", layout.Boxes)})", ExitCodes.NoVideoStream);
        string reason = FfmpegProcess.FirstLine(stderr);
        if (reason.StartsWith(path + ": ", StringComparison.Ordinal)) reason = reason[(path.Length + 2)..];
        return new CentrifugeException(
            $"{path}: not a video ffmpeg can read ({(reason.Length == 0 ? "unrecognised format" : reason)})",
            ExitCodes.InvalidInput);
    }

    private static JsonDocument? TryParse(string json)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException) { return null; }
    }

    // The first video stream that is not a cover picture (MP3/M4A artwork shows up as a one-frame mjpeg/png stream).
    private static JsonElement? FirstVideoStream(JsonElement root)
    {
        if (!root.TryGetProperty("streams", out JsonElement streams)) return null;
        foreach (JsonElement s in streams.EnumerateArray())
        {
            if (Str(s, "codec_type") != "video") continue;
            if (s.TryGetProperty("disposition", out JsonElement disp) && Int(disp, "attached_pic") == 1) continue;
            return s;
        }
        return null;
    }

    // Clockwise degrees the frame is turned for display: tags.rotate (old muxers), else the display matrix, whose
    // "rotation" ffprobe reports counter-clockwise (-90 for a phone held upright).
    private static int Rotation(JsonElement v)
    {
        double degrees = 0;
        if (v.TryGetProperty("tags", out JsonElement tags) && Str(tags, "rotate") is string rotate &&
            double.TryParse(rotate, NumberStyles.Float, CultureInfo.InvariantCulture, out double tagged))
            degrees = tagged;
        else if (v.TryGetProperty("side_data_list", out JsonElement sideData))
            foreach (JsonElement item in sideData.EnumerateArray())
                if (item.TryGetProperty("rotation", out JsonElement r) && r.TryGetDouble(out double matrix))
                    degrees = -matrix;
        int quarter = (int)Math.Round(degrees / 90.0);
        return ((quarter % 4) + 4) % 4 * 90;
    }

    private static double Rate(string? fraction)
    {
        if (string.IsNullOrEmpty(fraction)) return 0;
        string[] parts = fraction.Split('/');
        if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double num)) return 0;
        if (parts.Length == 1) return num;
        return double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double den) && den > 0 && num > 0
            ? num / den : 0;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement p)
            ? (p.ValueKind == JsonValueKind.String ? p.GetString() : p.ToString()) : null;

    private static int Int(JsonElement e, string name) =>
        int.TryParse(Str(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : 0;

    private static double Dbl(JsonElement e, string name) =>
        double.TryParse(Str(e, name), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : 0;
}

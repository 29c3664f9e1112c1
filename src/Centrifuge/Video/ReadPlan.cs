using System.Globalization;

namespace Centrifuge.Video;

/// <summary>
/// Turns <see cref="VideoReadOptions"/> into one ffmpeg command line (seek, fps, scale, crop filters) and the output
/// frame size, checking the crop against the frame. Pure: no process is started here.
/// </summary>
internal sealed record ReadPlan(IReadOnlyList<string> Arguments, string Filter, int Width, int Height,
    int SkippedFrames, IReadOnlyList<string> Warnings)
{
    public static ReadPlan Build(VideoInfo info, VideoReadOptions options)
    {
        if (options.CenterCrop is not null && options.Crop is not null)
            throw new ArgumentException("CenterCrop and Crop are mutually exclusive", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.StartFrame);
        if (options.MaxFrames is < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxFrames < 0");
        if (options.TargetFps is <= 0) throw new ArgumentOutOfRangeException(nameof(options), "TargetFps <= 0");
        if (options.ShortSide is <= 0) throw new ArgumentOutOfRangeException(nameof(options), "ShortSide <= 0");

        var warnings = new List<string>();
        var filters = new List<string>();
        // No -xerror: at damage ffmpeg conceals and goes on, so every frame it can decode is delivered (the probe counts
        // the same way, and the reader reports what was lost).
        var input = new List<string> { "-nostdin", "-hide_banner", "-v", "error" };

        // Start: a seek by time is exact for evenly spaced frames; otherwise count decoded frames with trim.
        int skipped = 0;
        if (options.StartSeconds is double seconds && seconds > 0)
        {
            input.AddRange(["-ss", F(seconds)]);
            skipped = (int)Math.Round(Math.Max(0, seconds - info.StreamStartSeconds) * info.Fps);
        }
        if (options.StartFrame > 0)
        {
            // Always count decoded frames: an input seek (-ss) lands on the container's "keyframe", which in some
            // real files (cockatoo.mp4: intra refresh, no IDR after the first frame) cannot be decoded from, so
            // ffmpeg either fails (-xerror) or emits broken frames. Decoding from the start is slower but exact.
            skipped += options.StartFrame;
            filters.Add($"trim=start_frame={options.StartFrame}");
        }
        input.AddRange(["-i", info.Path]);

        if (options.TargetFps is double fps) filters.Add($"fps={F(fps)}");

        // Resize so the short side is S (integer sizes computed here so the caller knows them before reading).
        int width = info.Width, height = info.Height;
        if (options.ShortSide is int side && side != Math.Min(width, height))
        {
            (width, height) = width <= height
                ? (side, Math.Max(1, (int)Math.Round((double)height * side / width)))
                : (Math.Max(1, (int)Math.Round((double)width * side / height)), side);
        }

        // Centre crop larger than the frame: grow the frame just enough (warning), or refuse under Strict.
        if (options.CenterCrop is (int cw, int ch))
        {
            if (cw <= 0 || ch <= 0) throw new ArgumentOutOfRangeException(nameof(options), "CenterCrop must be positive");
            if (cw > width || ch > height)
            {
                string message = $"{info.Path}: frame {width}x{height} is smaller than the crop {cw}x{ch}";
                if (options.Strict) throw new CentrifugeException(message, ExitCodes.FrameTooSmall);
                double grow = Math.Max((double)cw / width, (double)ch / height);
                (width, height) = (Math.Max(cw, (int)Math.Ceiling(width * grow)), Math.Max(ch, (int)Math.Ceiling(height * grow)));
                warnings.Add($"{message}: upscaled to {width}x{height}");
            }
        }
        if (width != info.Width || height != info.Height)
        {
            bool shrinking = (long)width * height < (long)info.Width * info.Height;
            filters.Add($"scale={width}:{height}:flags={(shrinking ? "area" : "bicubic")}");
        }

        int outWidth = width, outHeight = height;
        if (options.CenterCrop is (int w, int h))
        {
            filters.Add($"crop={w}:{h}:{(width - w) / 2}:{(height - h) / 2}");
            (outWidth, outHeight) = (w, h);
        }
        else if (options.Crop is CropWindow c)
        {
            if (c.Width <= 0 || c.Height <= 0 || c.X < 0 || c.Y < 0 || c.X + c.Width > width || c.Y + c.Height > height)
                throw new CentrifugeException(
                    $"{info.Path}: crop window {c.Width}x{c.Height} at ({c.X},{c.Y}) does not fit in the {width}x{height} frame",
                    ExitCodes.FrameTooSmall);
            filters.Add($"crop={c.Width}:{c.Height}:{c.X}:{c.Y}");
            (outWidth, outHeight) = (c.Width, c.Height);
        }
        filters.Add("format=rgb24");
        string filter = string.Join(",", filters);

        var args = new List<string>(input) { "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", filter };
        if (options.TargetFps is null) args.AddRange(["-fps_mode", "passthrough"]);
        if (options.MaxFrames is int max) args.AddRange(["-frames:v", max.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        return new ReadPlan(args, filter, outWidth, outHeight, skipped, warnings);
    }

    private static string F(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}

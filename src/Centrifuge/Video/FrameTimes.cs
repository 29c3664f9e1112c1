using System.Globalization;

namespace Centrifuge.Video;

/// <summary>
/// The presentation times of a variable-frame-rate video's frames, so outputs can keep the input's timing instead of
/// being re-timed to a constant rate (34 frames over 1.95 s must not come back as 34 frames at some other rate).
/// Read from the container's packet timestamps (demuxing only, no decoding).
/// </summary>
public static class FrameTimes
{
    /// <summary>
    /// Seconds of each frame from the first one, in presentation order, when the frames of <paramref name="info"/> are
    /// not evenly spaced; null for a constant-rate video (the rate says it all) or when the timestamps cannot be
    /// matched one to one with the decoded frames (a damaged file, an edit list that hides a frame).
    /// </summary>
    public static IReadOnlyList<double>? OfVariableRate(VideoInfo info)
    {
        var (code, output, _) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", "-i", info.Path]);
        if (code != 0) return null;
        var times = new List<double>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(line.Trim(','), NumberStyles.Float, CultureInfo.InvariantCulture, out double t)) return null;
            times.Add(t);
        }
        if (times.Count != info.Frames || times.Count < 3) return null;
        times.Sort();
        double first = times[0];
        double[] relative = times.Select(t => t - first).ToArray();
        return IsVariable(relative) ? relative : null;
    }

    /// <summary>
    /// Seconds of each frame a damaged video decodes to, from the first one, as ffmpeg times them (best-effort
    /// timestamps, in decoding order: the reader's order), when frames were lost between them (the gaps keep the frames
    /// after the damage at their own times); null when they are evenly spaced (nothing lost, or lost only at the end) or
    /// cannot be matched one to one with the decoded frames. Decodes the file once more: asked only of damaged files.
    /// </summary>
    public static IReadOnlyList<double>? OfDecodedFrames(VideoInfo info)
    {
        var (_, output, _) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "quiet", "-select_streams", "v:0", "-show_entries", "frame=best_effort_timestamp_time", "-of", "csv=p=0", "-i", info.Path]);
        var times = new List<double>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // One line per frame ("0.040000", with a trailing comma when the frame carries side data).
            if (!double.TryParse(line.Split(',')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double t)) return null;
            times.Add(t);
        }
        if (times.Count != info.Frames || times.Count < 3) return null;
        for (int i = 1; i < times.Count; i++)
            if (times[i] <= times[i - 1]) return null;   // not in presentation order: the times cannot be trusted
        double first = times[0];
        double[] relative = times.Select(t => t - first).ToArray();
        return IsVariable(relative) ? relative : null;
    }

    /// <summary>True when some frame interval differs from the median one by more than 10% (and 2 ms: millisecond
    /// containers round 29.97 fps to 33 and 34 ms, which is still a constant rate).</summary>
    public static bool IsVariable(IReadOnlyList<double> times)
    {
        if (times.Count < 3) return false;
        double[] intervals = Enumerable.Range(1, times.Count - 1).Select(i => times[i] - times[i - 1]).Order().ToArray();
        double median = intervals[intervals.Length / 2];
        double tolerance = Math.Max(0.002, 0.1 * median);
        return intervals[0] < median - tolerance || intervals[^1] > median + tolerance;
    }
}

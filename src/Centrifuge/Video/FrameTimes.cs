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

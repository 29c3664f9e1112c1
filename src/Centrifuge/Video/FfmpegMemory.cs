namespace Centrifuge.Video;

/// <summary>
/// The peak resident memory of the ffmpeg processes this process runs (decoders and encoders), which /proc/self does
/// not count: each one's peak (its VmHWM) is sampled while it runs (at every chunk it reads or writes, and before it is
/// waited for), since a finished process's memory can no longer be read.
/// </summary>
public static class FfmpegMemory
{
    private static readonly object Gate = new();
    private static readonly HashSet<Peak> Running = [];
    private static long _epoch, _sumKilobytes;   // the peaks of the processes counted since the last Reset, summed

    /// <summary>
    /// The sum of the peaks of the ffmpeg processes that ran since <see cref="Reset"/> (those still running included),
    /// in MiB: the reader and the writers of one separated input run side by side, so their peaks add up. 0 where /proc
    /// is not available.
    /// </summary>
    public static double PeakMegabytes()
    {
        lock (Gate) return _sumKilobytes / 1024.0;
    }

    /// <summary>Starts counting afresh with the processes that are running now (their peaks so far included).</summary>
    public static void Reset()
    {
        lock (Gate)
        {
            _epoch++;
            _sumKilobytes = 0;
            foreach (Peak peak in Running)
            {
                peak.Epoch = _epoch;
                _sumKilobytes += peak.Kilobytes;
            }
        }
    }

    /// <summary>One process's sampled peak.</summary>
    internal sealed class Peak(int processId)
    {
        public long Kilobytes { get; private set; }
        public long Epoch { get; set; }

        /// <summary>Reads the process's VmHWM, if it still runs (a process that has exited has none).</summary>
        public void Sample()
        {
            long now = ReadHighWaterMark(processId);
            lock (Gate)
            {
                if (now <= Kilobytes) return;
                if (Epoch == _epoch) _sumKilobytes += now - Kilobytes;
                Kilobytes = now;
            }
        }
    }

    internal static Peak Started(int processId)
    {
        lock (Gate)
        {
            var peak = new Peak(processId) { Epoch = _epoch };
            Running.Add(peak);
            return peak;
        }
    }

    internal static void Ended(Peak peak)
    {
        lock (Gate) Running.Remove(peak);
    }

    private static long ReadHighWaterMark(int processId)
    {
        const string Key = "VmHWM:";
        try
        {
            foreach (string line in File.ReadLines($"/proc/{processId}/status"))
                if (line.StartsWith(Key, StringComparison.Ordinal))
                    return long.Parse(line[Key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return 0;
    }
}

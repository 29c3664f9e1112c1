using System.Diagnostics;

namespace Centrifuge.Bench;

/// <summary>Timing helpers: warm-up runs, then the median of repeated runs (seconds).</summary>
public static class Measure
{
    public static double MedianSeconds(Action action, int repeats, int warmup = 1)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return repeats % 2 == 1 ? times[repeats / 2] : 0.5 * (times[repeats / 2 - 1] + times[repeats / 2]);
    }

    /// <summary>The 1-, 5- and 15-minute load averages (/proc/loadavg), to print before and after each run.</summary>
    public static string LoadLine() =>
        File.Exists("/proc/loadavg") ? "load average " + string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "load average unknown";

    public static string MachineLine() =>
        $"{Centrifuge.Runtime.CpuIdentity.Read().Describe()}, {Environment.ProcessorCount} cores, " +
        $"kernels {Centrifuge.Runtime.KernelGuard.Current?.Setting ?? "unchecked"}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
        $"TorchSharp {Centrifuge.Runtime.TorchRuntime.TorchSharpVersion}, {DateTime.UtcNow:yyyy-MM-dd}";

    /// <summary>The 1-minute load average (/proc/loadavg), or "?": the machine is shared, so every table records it.</summary>
    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; } catch (IOException) { return "?"; }
    }
}

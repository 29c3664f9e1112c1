namespace Centrifuge.Runtime;

/// <summary>The process's resident memory from /proc (Linux): current, peak, and a reset of the peak between inputs.</summary>
public static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM) in MiB, or 0 where /proc is not available.</summary>
    public static double PeakMegabytes() => ReadKilobytes("VmHWM:") / 1024.0;

    /// <summary>Current resident set size (VmRSS) in MiB.</summary>
    public static double CurrentMegabytes() => ReadKilobytes("VmRSS:") / 1024.0;

    /// <summary>Resets the peak to the current size (Linux >= 4.0: "5" to /proc/self/clear_refs); false if not possible.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Hands memory the allocator keeps for reuse back to the system (tcmalloc's ReleaseFreeMemory, glibc's
    /// malloc_trim), so one input's peak does not carry into the next: tcmalloc (preloaded by ./centrifuge) and the
    /// tuned glibc both keep freed tensor buffers, which is what makes them fast.
    /// </summary>
    public static void ReleaseFreeMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        IntPtr process = System.Runtime.InteropServices.NativeLibrary.GetMainProgramHandle();
        unsafe
        {
            if (System.Runtime.InteropServices.NativeLibrary.TryGetExport(process, "MallocExtension_ReleaseFreeMemory", out IntPtr release))
                ((delegate* unmanaged<void>)release)();
            else if (System.Runtime.InteropServices.NativeLibrary.TryGetExport(process, "malloc_trim", out IntPtr trim))
                ((delegate* unmanaged<nuint, int>)trim)(0);
        }
    }

    private static long ReadKilobytes(string key)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return 0;
    }
}

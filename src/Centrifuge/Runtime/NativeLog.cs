using System.Runtime.InteropServices;

namespace Centrifuge.Runtime;

/// <summary>
/// libtorch's own log (c10's LOG(...), written straight to stderr): its threshold is the int FLAGS_caffe2_log_level in
/// libc10.so (0 info, 1 warning, 2 error), which libtorch reads from nowhere else when no Python starts it (the
/// TORCH_CPP_LOG_LEVEL variable is not consulted). At its default, every process on a CPU NNPACK does not support (AMD
/// Zen 5) printed "Could not initialize NNPACK! Reason: Unsupported hardware." a dozen times or more, burying our own
/// lines; NNPACK is only one of libtorch's convolution paths, and the others take over. Warnings are hidden unless
/// asked for (`--verbose`); errors always show. libtorch's TORCH_WARN messages go elsewhere and are not affected.
/// </summary>
public static class NativeLog
{
    private const string Library = "libc10.so", Threshold = "FLAGS_caffe2_log_level";
    public const int Warning = 1, Error = 2;

    /// <summary>Sets libtorch's log threshold; false when libc10 or its flag cannot be found (nothing changes then).</summary>
    public static bool SetThreshold(int level)
    {
        if (Address() is not { } flag) return false;
        Marshal.WriteInt32(flag, level);
        return true;
    }

    /// <summary>libtorch's log threshold, or null when it cannot be read.</summary>
    public static int? CurrentThreshold => Address() is { } flag ? Marshal.ReadInt32(flag) : null;

    // libc10 as libtorch loaded it (its path from /proc/self/maps: it is not on the loader's search path).
    private static IntPtr? Address()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/maps")) return null;
        string? path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[5]) == Library)
            .Select(fields => fields[5]).FirstOrDefault();
        if (path is null || !NativeLibrary.TryLoad(path, out IntPtr handle)) return null;
        // The handle adds a reference to a library that stays loaded for the life of the process anyway.
        return NativeLibrary.TryGetExport(handle, Threshold, out IntPtr flag) ? flag : null;
    }
}

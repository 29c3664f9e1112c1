using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Runtime;

/// <summary>
/// Loads libtorch once, sets its thread count before any tensor work, and picks devices. Every entry point that
/// touches tensors calls <see cref="EnsureLoaded"/> first, so a broken native library fails with one clear line.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>Loads libtorch (CPU backend) or throws a <see cref="CentrifugeException"/> saying what is wrong.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                using var probe = torch.zeros(1);
            }
            catch (Exception e) when (e is NotSupportedException || e is DllNotFoundException || e is TypeInitializationException || e is BadImageFormatException)
            {
                throw new CentrifugeException(
                    "libtorch failed to load: " + DescribeLoadFailure(e) +
                    " Rebuild with ./centrifuge (the build marks libLibTorchSharp.so's GLIBCXX_3.4.32 requirement weak) " +
                    "or install libstdc++ 13 or newer.", ExitCodes.Environment, e);
            }
            _loaded = true;
        }
    }

    /// <summary>What a process mostly does, for the default thread count.</summary>
    public enum Workload
    {
        /// <summary>libtorch alone on the cores (training, evaluation).</summary>
        Compute,
        /// <summary>libtorch beside ffmpeg decoding and encoding the layers (separate, demo).</summary>
        Separation,
    }

    /// <summary>
    /// Sets libtorch's intra-op thread count before any tensor work: <paramref name="threads"/> when positive, else
    /// <see cref="DefaultThreads"/> for the workload.
    /// </summary>
    public static void SetThreads(int threads, Workload workload = Workload.Compute)
    {
        EnsureLoaded();
        torch.set_num_threads(threads > 0 ? threads : DefaultThreads(workload));
    }

    /// <summary>The default thread count (measured choice, docs/BENCHMARKS.md "Threads"): one per core.</summary>
    public static int DefaultThreads(Workload workload) => Math.Max(1, Environment.ProcessorCount);

    /// <summary>Resolves "cpu", "cuda" or "cuda:N" to a device, failing clearly when CUDA is not available.</summary>
    public static Device ResolveDevice(string name)
    {
        EnsureLoaded();
        string normalized = name.Trim().ToLowerInvariant();
        if (normalized == "cpu") return CPU;
        if (normalized.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new CentrifugeException(
                    $"device '{name}': CUDA is not available (this build uses TorchSharp-cpu; reference TorchSharp-cuda-linux for a GPU)",
                    ExitCodes.Environment);
            return torch.device(normalized);
        }
        throw new CentrifugeException($"device '{name}': expected cpu, cuda or cuda:N", ExitCodes.Usage);
    }

    /// <summary>
    /// The malloc this process runs with: tcmalloc or jemalloc when preloaded (./centrifuge and test.sh preload tcmalloc
    /// when installed, scripts/lib/runtime-env.sh), else glibc's.
    /// </summary>
    public static string Allocator
    {
        get
        {
            string maps = File.Exists("/proc/self/maps") ? File.ReadAllText("/proc/self/maps") : "";
            if (maps.Contains("libtcmalloc", StringComparison.Ordinal)) return "tcmalloc (preloaded)";
            if (maps.Contains("libjemalloc", StringComparison.Ordinal)) return "jemalloc (preloaded)";
            return "glibc (install libtcmalloc-minimal4: ./centrifuge preloads it)";
        }
    }

    /// <summary>The TorchSharp assembly version, e.g. 0.107.0.</summary>
    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>The libtorch version TorchSharp was built against (the native library it ships).</summary>
    public static string LibTorchVersion => torch.__version__;

    // TorchSharp's own message lists every probed path; the innermost exception names the real cause.
    private static string DescribeLoadFailure(Exception e)
    {
        Exception inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        string first = inner.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? inner.GetType().Name;
        if (first.Length > 200) first = first[..200] + "…";
        return first.EndsWith('.') ? first : first + ".";
    }
}

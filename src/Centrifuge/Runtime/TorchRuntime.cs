using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Runtime;

/// <summary>
/// Loads libtorch once, sets its thread count before any tensor work, and picks devices. Every entry point that
/// touches tensors calls <see cref="EnsureLoaded"/> first, so a broken native library fails with one clear line, and
/// libtorch runs under the kernel setting the self-check chose for this CPU (<see cref="KernelGuard"/>).
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>Show libtorch's own warnings (<see cref="NativeLog"/>; the CLI's --verbose); read when libtorch loads.</summary>
    public static bool NativeWarnings { get; set; }

    /// <summary>Loads libtorch (CPU backend) or throws a <see cref="CentrifugeException"/> saying what is wrong.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_loaded) return;
            PrepareProcess();
            KernelSetting? kernels = KernelGuard.Ensure();   // before libtorch reads its kernel settings
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                kernels?.ApplyAfterLoad();
                using var probe = torch.zeros(1);
                NativeLog.SetThreshold(NativeWarnings ? NativeLog.Warning : NativeLog.Error);
                NnpackSwitch.DisableWhenUnavailable();   // after the threshold: its one failed ask shows only with --verbose
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

    /// <summary>
    /// Sets OMP_WAIT_POLICY=PASSIVE in the process environment unless the user set a policy; must run before libtorch
    /// (and with it OpenMP) loads, which reads it once. OpenMP's default spins idle threads while another process
    /// holds the core: beside three busy processes a 6-step cpu-small training took 290 s with the default, 111 s
    /// passive (docs/BENCHMARKS.md "Threads"). ./centrifuge exports the same; this covers `dotnet Centrifuge.Cli.dll`,
    /// the tests and the benchmarks. Also keeps glibc's freed blocks when nothing else manages malloc
    /// (<see cref="KeepFreedBlocks"/>). Called by <see cref="EnsureLoaded"/> and first thing in the CLI.
    /// </summary>
    public static void PrepareProcess()
    {
        if (!OperatingSystem.IsLinux()) return;
        KeepFreedBlocks();
        if (OpenMpWaitPolicy is not null) return;
        NativeEnvironment.Set("OMP_WAIT_POLICY", "PASSIVE");
    }

    private static bool _keepsFreedBlocks;

    /// <summary>
    /// Under glibc's malloc with its defaults (no tcmalloc preloaded, no MALLOC_* tuning: `dotnet Centrifuge.Cli.dll`
    /// run directly), tells it what scripts/lib/runtime-env.sh tells it through the environment: no mmap for large
    /// blocks, no trimming. Otherwise each of libtorch's many-megabyte buffers goes back to the kernel and is faulted in
    /// again (a third of a cpu-small training's time in the kernel, AMD Zen 5, 2026-12-04). This cuts that kernel time,
    /// not all of the gap: on a busy machine the median cpu-small step was 11.7 s with it and 3.3 s with tcmalloc
    /// preloaded, which stays the way to run (./centrifuge). CENTRIFUGE_ALLOCATOR=glibc keeps glibc's defaults.
    /// </summary>
    private static void KeepFreedBlocks()
    {
        if (_keepsFreedBlocks || NativeEnvironment.Get("CENTRIFUGE_ALLOCATOR") == "glibc" ||
            NativeEnvironment.Get("MALLOC_MMAP_MAX_") is not null || NativeEnvironment.Get("MALLOC_TRIM_THRESHOLD_") is not null ||
            PreloadedAllocator() is not null)
            return;
        const int TrimThreshold = -1, TopPad = -2, MmapMax = -4;
        _keepsFreedBlocks = mallopt(MmapMax, 0) == 1 & mallopt(TrimThreshold, int.MaxValue) == 1 & mallopt(TopPad, 256 << 20) == 1;
    }

    private static string? PreloadedAllocator()
    {
        string maps = File.Exists("/proc/self/maps") ? File.ReadAllText("/proc/self/maps") : "";
        return maps.Contains("libtcmalloc", StringComparison.Ordinal) ? "tcmalloc"
            : maps.Contains("libjemalloc", StringComparison.Ordinal) ? "jemalloc" : null;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern int mallopt(int parameter, int value);

    /// <summary>OMP_WAIT_POLICY as OpenMP will read it (the native environment, which .NET's own copy does not follow).</summary>
    public static string? OpenMpWaitPolicy => NativeEnvironment.Get("OMP_WAIT_POLICY");

    /// <summary>
    /// Sets libtorch's intra-op thread count before any tensor work: <paramref name="threads"/> when positive, else
    /// <see cref="DefaultThreads"/>.
    /// </summary>
    public static void SetThreads(int threads)
    {
        EnsureLoaded();
        torch.set_num_threads(ResolveThreads(threads));
    }

    /// <summary>The thread count a request means: <paramref name="threads"/> when positive, else <see cref="DefaultThreads"/>.</summary>
    public static int ResolveThreads(int threads) => threads > 0 ? threads : DefaultThreads;

    /// <summary>
    /// The default thread count: one per core, which with OpenMP's passive wait (<see cref="PrepareProcess"/>) was
    /// the best or near the best of the candidates measured idle-ish and beside 1 and 3 busy processes, for training
    /// and for separation (docs/BENCHMARKS.md "Threads").
    /// </summary>
    public static int DefaultThreads => Math.Max(1, Environment.ProcessorCount);

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
    /// when installed, else tune glibc's: scripts/lib/runtime-env.sh), else glibc's, tuned by <see cref="PrepareProcess"/>.
    /// </summary>
    public static string Allocator
    {
        get
        {
            if (PreloadedAllocator() is { } preloaded) return preloaded + " (preloaded)";
            return _keepsFreedBlocks || NativeEnvironment.Get("MALLOC_MMAP_MAX_") == "0"
                ? "glibc, keeping freed blocks (install libtcmalloc-minimal4 for tcmalloc: less memory)"
                : "glibc defaults (install libtcmalloc-minimal4: ./centrifuge preloads it; less time in the kernel)";
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

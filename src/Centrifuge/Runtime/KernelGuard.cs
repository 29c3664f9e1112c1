using System.Diagnostics;

namespace Centrifuge.Runtime;

/// <summary>
/// Guards every computation against a CPU on which libtorch's kernels are wrong (issue 27: AMD Zen 5 and oneDNN's
/// AVX-512 kernels). Before libtorch loads, <see cref="Ensure"/> reads the cached verdict for this CPU and libtorch,
/// or makes it: it runs <see cref="KernelCheck"/> in a child process per <see cref="KernelSetting.Candidates"/>
/// entry, least restrictive first, keeps the first under which fp32 forward and backward are right, caches that, and
/// applies it to this process. The check runs in children because the settings are read once per process.
/// A setting the user made (ONEDNN_MAX_CPU_ISA, ATEN_CPU_CAPABILITY) is checked, never replaced.
/// CENTRIFUGE_KERNEL_CHECK=off skips the check (the verdict is then unknown and nothing is refused).
/// </summary>
public static class KernelGuard
{
    public const string SwitchVariable = "CENTRIFUGE_KERNEL_CHECK";
    public const string ChildHost = "centrifuge-kernel-check.dll";
    public const string ChildLinePrefix = "centrifuge-kernel-check: ";

    /// <summary>Raised when the guard must run the check (a new CPU or libtorch): commands show it as one line.</summary>
    public static event Action<string>? Notice;

    private static readonly object Gate = new();
    private static KernelSetting? _applied;

    // The setting the user made, read before this process sets its own variables (which would look the same).
    private static readonly Lazy<KernelSetting?> UserSetting = new(KernelSetting.FromUserEnvironment);

    /// <summary>The verdict this process runs under (null: not yet decided, or the check was switched off).</summary>
    public static KernelVerdict? Current { get; private set; }

    /// <summary>
    /// What this process will mostly compute; set before libtorch loads (train and experiment set Training). The
    /// fastest right setting differs: on AMD Zen 5 oneDNN capped at SSE4.1 separates 1.5x faster than oneDNN off, and
    /// trains 1.15x slower (docs/BENCHMARKS.md "Kernel settings").
    /// </summary>
    public static KernelWorkload Workload { get; set; } = KernelWorkload.Inference;

    /// <summary>True in the self-check's child process, which applies its own setting.</summary>
    public static bool IsChild { get; set; }

    /// <summary>
    /// Decides and applies the kernel setting; called by <see cref="TorchRuntime.EnsureLoaded"/> before libtorch loads.
    /// Returns the setting to finish applying after the load (<see cref="KernelSetting.ApplyAfterLoad"/>).
    /// </summary>
    internal static KernelSetting? Ensure()
    {
        lock (Gate)
        {
            if (_applied is not null || IsChild || IsSwitchedOff) return _applied;
            KernelVerdict verdict = LoadOrCheck(Workload);
            KernelSetting setting = SettingOf(verdict) ?? KernelSetting.Default;
            setting.ApplyBeforeLoad();
            Current = verdict;
            _applied = setting;
            return setting;
        }
    }

    public static bool IsSwitchedOff => NativeEnvironment.Get(SwitchVariable) is "off" or "0" or "false";

    /// <summary>Refuses training on the CPU when the verdict says its gradients (or, for bf16, its bf16 kernels) are wrong.</summary>
    public static void RequireTraining(bool bf16, string device = "cpu")
    {
        TorchRuntime.EnsureLoaded();
        if (Current is not { } v || !IsCpu(device)) return;
        if (!v.Fp32Ok)
            throw new CentrifugeException("refusing to train: " + v.Summary() + "; training would diverge",
                ExitCodes.Environment);
        if (bf16 && !v.Bf16Ok) throw Bf16Refused(v);
    }

    /// <summary>Refuses inference on the CPU whose forward pass the verdict says is wrong (fp32 or bf16).</summary>
    public static void RequireInference(bool bf16, string device = "cpu")
    {
        TorchRuntime.EnsureLoaded();
        if (Current is not { } v || !IsCpu(device)) return;
        if (!v.Fp32ForwardOk)
            throw new CentrifugeException("refusing to run the model: " + v.Summary(), ExitCodes.Environment);
        if (bf16 && !v.Bf16Ok) throw Bf16Refused(v);
    }

    private static bool IsCpu(string device) => device.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase);

    private static CentrifugeException Bf16Refused(KernelVerdict v) => new(
        $"precision bf16: libtorch's bf16 convolutions are wrong on this CPU ({v.Cpu}; worst error {KernelVerdict.Format(v.Chosen?.WorstBf16 ?? double.NaN)} " +
        $"under {v.Setting}); use fp32", ExitCodes.Usage);

    /// <summary>What the self-check makes of the current state, for the messages of NaN reports: the likely cause.</summary>
    public static string LikelyCause() => Current switch
    {
        null => "the kernel self-check was switched off, so wrong CPU kernels cannot be ruled out",
        { Fp32Ok: false } v => "likely cause: " + v.Summary(),
        { } v => $"the kernel self-check passed on this CPU ({v.Setting}), so the model or its input is the likely cause",
    };

    /// <summary>
    /// The cache key: the CPU (model, family, model number, stepping, flags), libtorch's and the check's version, a
    /// setting the user made (its verdict is kept apart), and an injected fault (tests), so a verdict made under a
    /// fault is never taken for the CPU's own.
    /// </summary>
    public static string CacheKey()
    {
        CpuIdentity cpu = CpuIdentity.Read();
        string text = $"{cpu.ModelName}|{cpu.Family}|{cpu.Model}|{cpu.Stepping}|{cpu.Flags}|{TorchRuntime.LibTorchVersion}|{TorchRuntime.TorchSharpVersion}|{CheckVersion}|{NativeEnvironment.Get(KernelFault.EnvironmentVariable)}|" +
                      $"{UserSetting.Value?.Description}";
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return Convert.ToHexString(hash)[..16].ToLowerInvariant();
    }

    // Bump when the cases or tolerances change, so every machine checks again.
    private const int CheckVersion = 2;

    public static string CacheFile => Path.Combine(UserCache.KernelsFolder, CacheKey() + ".json");

    private static KernelSetting? SettingOf(KernelVerdict verdict) =>
        verdict.Setting == "user" ? UserSetting.Value : KernelSetting.Find(verdict.Setting);

    /// <summary>
    /// The verdict for this process's workload, from the trials cached for this CPU, running in child processes only
    /// the settings it has not tried yet (the cache then keeps every trial made, for every workload).
    /// </summary>
    private static KernelVerdict LoadOrCheck(KernelWorkload workload)
    {
        KernelSetting? user = UserSetting.Value;
        IReadOnlyList<KernelSetting> order = user is null ? KernelSetting.CandidatesFor(workload) : [user];
        string file = CacheFile;
        Dictionary<string, SettingTrial> known = TryRead(file);
        if (CanDecide(order, known)) return Decide(order, s => known[s.Name]);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using FileStream gate = AcquireLock(file + ".lock");
        known = TryRead(file);
        if (CanDecide(order, known)) return Decide(order, s => known[s.Name]);
        bool first = known.Count == 0;
        if (first) Notice?.Invoke("checking libtorch's kernels on this CPU against a float64 reference (once per CPU and libtorch version)");
        bool told = false;
        SettingTrial Trial(KernelSetting s)
        {
            if (known.TryGetValue(s.Name, out SettingTrial? t)) return t;
            if (!told && known.TryGetValue(KernelSetting.Default.Name, out SettingTrial? d) && !d.Fp32Ok)
            {
                Notice?.Invoke("libtorch's default kernels failed the self-check on this CPU; trying other kernel settings");
                told = true;
            }
            return known[s.Name] = RunChild(s);
        }
        KernelVerdict verdict = Decide(order, Trial);
        // Settle every workload's order while at it, so later processes (a train after a separate) need no child.
        if (user is null)
            foreach (KernelWorkload other in Enum.GetValues<KernelWorkload>().Where(w => w != workload))
                Decide(KernelSetting.CandidatesFor(other), Trial);
        CpuIdentity cpu = CpuIdentity.Read();
        AtomicFile.WriteText(file, JsonDefaults.Serialize(new KernelTrials(CacheKey(), cpu.Describe(), TorchRuntime.LibTorchVersion, [.. known.Values], DateTime.UtcNow)));
        if (first || verdict.Restricted) Notice?.Invoke(verdict.Summary());
        return verdict;
    }

    // Whether the cached trials settle the order: its first passing setting, or all of it, has been tried.
    private static bool CanDecide(IReadOnlyList<KernelSetting> order, Dictionary<string, SettingTrial> known)
    {
        foreach (KernelSetting setting in order)
        {
            if (!known.TryGetValue(setting.Name, out SettingTrial? trial)) return false;
            if (trial.Fp32Ok) return true;
        }
        return true;
    }

    private static FileStream AcquireLock(string path)
    {
        try
        {
            return FileLock.Acquire(path, () => Notice?.Invoke("another process is running the kernel self-check; waiting for it"), TimeSpan.FromMinutes(10));
        }
        catch (TimeoutException e)
        {
            throw new CentrifugeException($"{path}: the kernel self-check is still locked by another process after 10 minutes", ExitCodes.Environment, e);
        }
    }

    /// <summary>
    /// Tries the candidates in order until one computes fp32 right; <paramref name="trial"/> runs the check under a
    /// setting (in a child process). The verdict names the first passing setting or, when none passed, the least wrong.
    /// </summary>
    public static KernelVerdict Decide(IReadOnlyList<KernelSetting> candidates, Func<KernelSetting, SettingTrial> trial)
    {
        var trials = new List<SettingTrial>();
        KernelSetting? chosen = null;
        foreach (KernelSetting candidate in candidates)
        {
            SettingTrial result = trial(candidate);
            trials.Add(result);
            if (result.Fp32Ok) { chosen = candidate; break; }
        }
        // None right: run under the least wrong one (its forward may still be right, so inference can go on).
        SettingTrial outcome = chosen is not null ? trials[^1]
            : trials.OrderByDescending(t => t.Fp32ForwardOk).ThenBy(t => double.IsFinite(t.WorstFp32) ? t.WorstFp32 : double.MaxValue).First();
        KernelSetting setting = candidates.First(c => c.Name == outcome.Setting);
        CpuIdentity cpu = CpuIdentity.Read();
        return new KernelVerdict(CacheKey(), cpu.Describe(), TorchRuntime.LibTorchVersion, setting.Name, setting.Description,
            outcome.Fp32Ok, outcome.Fp32ForwardOk, outcome.Bf16Ok, trials, DateTime.UtcNow);
    }

    private static Dictionary<string, SettingTrial> TryRead(string file)
    {
        try
        {
            if (File.Exists(file) && JsonDefaults.Deserialize<KernelTrials>(File.ReadAllText(file)) is { } cached && cached.Key == CacheKey())
                return cached.Trials.ToDictionary(t => t.Setting);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // unreadable: check again
        }
        return [];
    }

    /// <summary>Runs the self-check under <paramref name="setting"/> in a child process and reads its one-line result.</summary>
    public static SettingTrial RunChild(KernelSetting setting)
    {
        string host = Path.Combine(AppContext.BaseDirectory, ChildHost);
        if (!File.Exists(host))
        {
            string beside = Path.Combine(Path.GetDirectoryName(typeof(KernelGuard).Assembly.Location) ?? "", ChildHost);
            host = File.Exists(beside) ? beside
                : throw new CentrifugeException($"{ChildHost} is missing beside {typeof(KernelGuard).Assembly.GetName().Name}.dll: " +
                                                "rebuild (it runs the kernel self-check)", ExitCodes.Environment);
        }
        var start = new ProcessStartInfo(DotnetHost(), [host, "--setting", setting.Name])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach ((string name, string value) in setting.Environment) start.Environment[name] = value;
        start.Environment["ONEDNN_VERBOSE"] = "1";
        var clock = Stopwatch.StartNew();
        using Process child = Process.Start(start) ?? throw new CentrifugeException("could not start the kernel self-check", ExitCodes.Environment);
        Task<string> stdout = child.StandardOutput.ReadToEndAsync(), stderr = child.StandardError.ReadToEndAsync();
        bool finished = child.WaitForExit(TimeSpan.FromMinutes(5));
        if (!finished) child.Kill(entireProcessTree: true);
        child.WaitForExit();
        string[] lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string? resultLine = lines.LastOrDefault(l => l.StartsWith(ChildLinePrefix, StringComparison.Ordinal));
        string? isaLine = lines.FirstOrDefault(l => l.Contains(",isa:", StringComparison.Ordinal));
        string? onednnIsa = isaLine?[(isaLine.IndexOf(",isa:", StringComparison.Ordinal) + 5)..].Trim();
        if (resultLine is null)
        {
            string error = !finished ? "no result in 5 minutes"
                : $"exit code {child.ExitCode}: " + (stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "");
            return new SettingTrial(setting.Name, false, false, false, double.NaN, double.NaN, null, clock.Elapsed.TotalSeconds, [], [], onednnIsa,
                Crash: error);
        }
        SettingTrial result = JsonDefaults.Deserialize<SettingTrial>(resultLine[ChildLinePrefix.Length..]);
        return result with { OneDnnIsa = onednnIsa, OneDnnKernels = OneDnnKernelsOf(lines, result) };
    }

    // oneDNN's verbose lines between the markers the child prints before each failing case name its implementations.
    private static IReadOnlyList<string> OneDnnKernelsOf(string[] lines, SettingTrial result)
    {
        var failing = new HashSet<string>(result.Failures.Select(f => f.Split(',')[0]));
        var kernels = new SortedSet<string>(StringComparer.Ordinal);
        string? current = null;
        foreach (string line in lines)
        {
            if (line.StartsWith(KernelCheckChild.CaseMarker, StringComparison.Ordinal)) current = line[KernelCheckChild.CaseMarker.Length..];
            else if (current is not null && failing.Contains(current) && line.StartsWith("onednn_verbose", StringComparison.Ordinal) &&
                     line.Contains(",exec,", StringComparison.Ordinal))
            {
                string[] fields = line.Split(',');
                int exec = Array.IndexOf(fields, "exec");
                if (exec >= 0 && exec + 3 < fields.Length) kernels.Add($"{fields[exec + 2]} {fields[exec + 3]}");   // primitive kind, implementation
            }
        }
        return [.. kernels];
    }

    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        string? process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
        return "dotnet";
    }
}

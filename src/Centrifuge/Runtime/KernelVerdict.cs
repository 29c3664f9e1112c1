namespace Centrifuge.Runtime;

/// <summary>How one kernel setting fared in the self-check (run in a child process that used only that setting).</summary>
/// <param name="Failures">The first failing cases, "case, precision, part: error" (at most a handful).</param>
/// <param name="OneDnnKernels">oneDNN's implementations used by failing cases (from ONEDNN_VERBOSE), e.g. "jit:avx512_core".</param>
public sealed record SettingTrial(
    string Setting, bool Fp32Ok, bool Fp32ForwardOk, bool Bf16Ok, double WorstFp32, double WorstBf16, string? WorstCase,
    double Seconds, IReadOnlyList<string> Failures, IReadOnlyList<string> OneDnnKernels, string? OneDnnIsa, string? Crash = null);

/// <summary>What the kernel cache holds for one CPU and libtorch: every setting tried so far, for any workload.</summary>
public sealed record KernelTrials(string Key, string Cpu, string LibTorch, IReadOnlyList<SettingTrial> Trials, DateTime CheckedUtc);

/// <summary>What a process mostly computes, which decides the order the kernel settings are preferred in.</summary>
public enum KernelWorkload
{
    /// <summary>Forward passes under no_grad (separate, evaluate, demo, export): small batches.</summary>
    Inference,
    /// <summary>Forward and backward passes (train, experiment).</summary>
    Training,
}

/// <summary>
/// The self-check's verdict for this CPU and libtorch: the setting chosen (the least restrictive that computes fp32
/// right), whether fp32 training, fp32 inference and bf16 can be trusted under it, and every setting tried.
/// Cached per CPU and libtorch version (<see cref="KernelGuard"/>).
/// </summary>
public sealed record KernelVerdict(
    string Key, string Cpu, string LibTorch, string Setting, string SettingDescription, bool Fp32Ok, bool Fp32ForwardOk, bool Bf16Ok,
    IReadOnlyList<SettingTrial> Trials, DateTime CheckedUtc)
{
    /// <summary>The trial of the chosen setting.</summary>
    public SettingTrial? Chosen => Trials.LastOrDefault(t => t.Setting == Setting);

    /// <summary>A setting other than libtorch's own choice was needed.</summary>
    public bool Restricted => Setting != KernelSetting.Default.Name;

    /// <summary>One line: what was found and what was done about it.</summary>
    public string Summary()
    {
        SettingTrial? chosen = Chosen;
        string worst = chosen is null ? "" : $"worst error fp32 {Format(chosen.WorstFp32)}, bf16 {Format(chosen.WorstBf16)}";
        if (!Fp32Ok)
            return $"libtorch computes wrong fp32 {(Fp32ForwardOk ? "gradients" : "convolutions")} on this CPU ({Cpu}) under every kernel setting tried " +
                   $"({string.Join(", ", Trials.Select(t => t.Setting))}); {worst}";
        string bf16 = Bf16Ok ? "" : "; bf16 is wrong here, so bf16 precision is refused";
        return Restricted
            ? $"libtorch's default kernels are wrong on this CPU ({Cpu}: {DefaultProblem()}); using {Setting} ({SettingDescription}), which passed: {worst}{bf16}"
            : $"libtorch's kernels passed the self-check on this CPU ({Cpu}): {worst}{bf16}";
    }

    private string DefaultProblem()
    {
        SettingTrial? first = Trials.FirstOrDefault();
        if (first is null) return "not checked";
        if (first.Crash is not null) return "the check crashed: " + first.Crash;
        return (first.Fp32Ok ? "" : $"fp32 error {Format(first.WorstFp32)}, ") + $"bf16 error {Format(first.WorstBf16)}" +
               (first.WorstCase is null ? "" : $", worst in {first.WorstCase}");
    }

    internal static string Format(double error) => double.IsFinite(error) ? error.ToString("0.##e0", System.Globalization.CultureInfo.InvariantCulture) : "not finite";
}

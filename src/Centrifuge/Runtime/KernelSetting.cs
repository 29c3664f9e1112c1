namespace Centrifuge.Runtime;

/// <summary>
/// A way to make libtorch choose its CPU kernels: oneDNN's highest instruction set (ONEDNN_MAX_CPU_ISA), ATen's
/// vectorised kernels (ATEN_CPU_CAPABILITY), or oneDNN not used at all (libtorch's own convolutions). Both variables
/// are read once, when libtorch first uses them, so a setting is applied before libtorch loads
/// (<see cref="ApplyBeforeLoad"/>) and, for oneDNN off, right after (<see cref="ApplyAfterLoad"/>).
/// </summary>
public sealed record KernelSetting(string Name, string Description, IReadOnlyDictionary<string, string> Environment, bool OneDnn = true)
{
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";
    public const string AtenCapabilityVariable = "ATEN_CPU_CAPABILITY";

    public static KernelSetting Default { get; } = new("default", "libtorch's own choice", new Dictionary<string, string>());

    /// <summary>
    /// Every candidate, in the order inference prefers them: libtorch's own choice first, then oneDNN capped at lower
    /// instruction sets, then oneDNN off. The guard keeps the first that passes the self-check.
    /// </summary>
    public static IReadOnlyList<KernelSetting> Candidates { get; } =
    [
        Default,
        OneDnnIsa("onednn-avx512-core", "AVX512_CORE"),
        OneDnnIsa("onednn-avx2", "AVX2"),
        new("onednn-avx2-aten-avx2", "oneDNN up to AVX2, ATen's AVX2 kernels",
            new Dictionary<string, string> { [OneDnnIsaVariable] = "AVX2", [AtenCapabilityVariable] = "avx2" }),
        OneDnnIsa("onednn-sse41", "SSE41"),
        new("onednn-sse41-aten-default", "oneDNN up to SSE4.1, ATen's unvectorised kernels",
            new Dictionary<string, string> { [OneDnnIsaVariable] = "SSE41", [AtenCapabilityVariable] = "default" }),
        new("no-onednn", "libtorch's own convolutions, oneDNN off", new Dictionary<string, string>(), OneDnn: false),
        new("no-onednn-aten-default", "libtorch's own convolutions, unvectorised",
            new Dictionary<string, string> { [AtenCapabilityVariable] = "default" }, OneDnn: false),
    ];

    /// <summary>
    /// The candidates in the order a workload prefers them. Both orders try libtorch's choice and the oneDNN ISA caps
    /// that keep its fast JIT kernels first. Of the fallbacks, training prefers oneDNN off (libtorch's im2col + BLAS:
    /// 982 ms a cpu-small step against 1,130 at SSE4.1 on AMD Zen 5), inference oneDNN at SSE4.1 (the shipped model's
    /// separation 1.5x faster than with oneDNN off): docs/BENCHMARKS.md "Kernel settings".
    /// </summary>
    public static IReadOnlyList<KernelSetting> CandidatesFor(KernelWorkload workload) => workload == KernelWorkload.Training
        ? [.. Candidates.Take(4), Find("no-onednn")!, Find("onednn-sse41")!, Find("no-onednn-aten-default")!, Find("onednn-sse41-aten-default")!]
        : Candidates;

    /// <summary>The candidate of that name, or null.</summary>
    public static KernelSetting? Find(string name) => Candidates.FirstOrDefault(c => c.Name == name);

    /// <summary>Names a candidate to run under (checked like any setting the user makes, never replaced).</summary>
    public const string ChoiceVariable = "CENTRIFUGE_KERNELS";

    /// <summary>
    /// A setting the user made by hand: a candidate named in CENTRIFUGE_KERNELS, or ONEDNN_MAX_CPU_ISA /
    /// ATEN_CPU_CAPABILITY as they are set in this process.
    /// </summary>
    public static KernelSetting? FromUserEnvironment()
    {
        if (NativeEnvironment.Get(ChoiceVariable) is { Length: > 0 } chosen)
            return Find(chosen) ?? throw new CentrifugeException(
                $"{ChoiceVariable}={chosen}: expected one of {string.Join(", ", Candidates.Select(c => c.Name))}", ExitCodes.Usage);
        var set = new Dictionary<string, string>();
        foreach (string name in new[] { OneDnnIsaVariable, AtenCapabilityVariable })
            if (NativeEnvironment.Get(name) is { Length: > 0 } value) set[name] = value;
        return set.Count == 0 ? null
            : new KernelSetting("user", "set in the environment: " + string.Join(" ", set.Select(kv => $"{kv.Key}={kv.Value}")), set);
    }

    /// <summary>Sets the variables in the native environment, where libtorch reads them; before libtorch loads.</summary>
    public void ApplyBeforeLoad()
    {
        foreach ((string name, string value) in Environment) NativeEnvironment.Set(name, value);
    }

    /// <summary>Turns oneDNN off when the setting says so; right after libtorch loads, before any tensor work.</summary>
    public void ApplyAfterLoad()
    {
        if (OneDnn) return;
        if (!AtenContext.TrySet("_ZN2at7Context20setUserEnabledMkldnnEb", false))
            throw new CentrifugeException($"kernel setting {Name}: this libtorch does not export at::Context::setUserEnabledMkldnn",
                ExitCodes.Environment);
    }

    public override string ToString() => Name;

    private static KernelSetting OneDnnIsa(string name, string isa) =>
        new(name, $"oneDNN up to {isa}", new Dictionary<string, string> { [OneDnnIsaVariable] = isa });
}

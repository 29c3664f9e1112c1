namespace Centrifuge.Runtime;

/// <summary>
/// The self-check's child process (centrifuge-kernel-check.dll --setting NAME): applies one kernel setting, runs
/// <see cref="KernelCheck"/> and prints one result line for <see cref="KernelGuard"/>. Before each case it prints a
/// marker, so the parent can tell which of oneDNN's verbose lines (ONEDNN_VERBOSE=1) belong to a failing case.
/// </summary>
public static class KernelCheckChild
{
    public const string CaseMarker = "centrifuge-kernel-case: ";
    private const int MaxFailuresListed = 6;

    public static int Main(string[] args)
    {
        KernelGuard.IsChild = true;
        TorchRuntime.PrepareProcess();
        string name = args.Length >= 2 && args[0] == "--setting" ? args[1] : KernelSetting.Default.Name;
        bool list = args.Contains("--list");   // every error, for investigating a CPU by hand
        KernelSetting setting = name == "user" ? KernelSetting.FromUserEnvironment() ?? KernelSetting.Default
            : KernelSetting.Find(name) ?? throw new ArgumentException($"unknown kernel setting '{name}'");
        setting.ApplyBeforeLoad();
        TorchRuntime.EnsureLoaded();
        setting.ApplyAfterLoad();
        int threads = Array.IndexOf(args, "--threads") is int t and >= 0 && t + 1 < args.Length ? int.Parse(args[t + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        TorchRuntime.SetThreads(threads);
        string? faultSpec = NativeEnvironment.Get(KernelFault.EnvironmentVariable);
        KernelFault? fault = string.IsNullOrEmpty(faultSpec) ? null : KernelFault.Parse(faultSpec) with { ActiveSetting = setting.Name };

        var results = new List<KernelError>();
        double seconds = 0;
        foreach (KernelCase kernelCase in KernelCases.All)
        {
            Console.Out.WriteLine(CaseMarker + kernelCase.Name);
            Console.Out.Flush();
            KernelCheckResult one = KernelCheck.Run([kernelCase], fault);
            results.AddRange(one.Errors);
            seconds += one.Seconds;
            if (list) Console.Out.WriteLine($"time {one.Seconds * 1000,7:0} ms  {kernelCase.Name}");
        }
        var result = new KernelCheckResult(results, seconds);
        KernelError? worstFp32 = result.Worst(KernelCheck.Fp32), worstBf16 = result.Worst(KernelCheck.Bf16);
        KernelError? worst = new[] { worstFp32, worstBf16 }.Where(e => e is { Ok: false }).FirstOrDefault() ?? worstFp32;
        var trial = new SettingTrial(setting.Name, result.Fp32Ok, result.Fp32ForwardOk, result.Bf16Ok,
            worstFp32?.Error ?? 0, worstBf16?.Error ?? 0, worst is null ? null : $"{worst.Case} {worst.Precision} {worst.Part}", seconds,
            [.. result.Failures.Take(MaxFailuresListed).Select(f => $"{f.Case}, {f.Precision}, {f.Part}: {KernelVerdict.Format(f.Error)}")], [], null);
        if (list)
            foreach (KernelError e in results)
                Console.Out.WriteLine($"{(e.Ok ? "ok  " : "FAIL")} {KernelVerdict.Format(e.Error),9}  {e.Precision} {e.Case}: {e.Part}");
        Console.Out.WriteLine(KernelGuard.ChildLinePrefix + JsonDefaults.SerializeLine(trial));
        return 0;
    }
}

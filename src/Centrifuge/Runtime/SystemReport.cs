using System.Runtime.InteropServices;
using Centrifuge.Video;
using TorchSharp;

namespace Centrifuge.Runtime;

/// <summary>One line of the doctor's report: a named check, what was found, and whether it is fine.</summary>
/// <param name="Status">What the report shows instead of ok / MISSING (e.g. "fixed", "WRONG").</param>
public sealed record SystemCheck(string Name, string Found, bool Ok, string? Fix = null, string? Status = null);

/// <summary>
/// What `centrifuge doctor` reports: .NET, TorchSharp and libtorch versions, libtorch's threads, CUDA, ffmpeg and
/// the codecs Centrifuge needs. Each check runs even when an earlier one failed.
/// </summary>
public static class SystemReport
{
    public static IReadOnlyList<SystemCheck> Run()
    {
        var checks = new List<SystemCheck>
        {
            new(".NET", RuntimeInformation.FrameworkDescription + " on " + RuntimeInformation.RuntimeIdentifier, true),
        };
        checks.AddRange(TorchChecks());
        checks.AddRange(FfmpegChecks());
        return checks;
    }

    private static IEnumerable<SystemCheck> TorchChecks()
    {
        try
        {
            TorchRuntime.EnsureLoaded();
        }
        catch (CentrifugeException e)
        {
            return [new SystemCheck("libtorch", e.Message, false, "rebuild with ./centrifuge, or install libstdc++ 13+")];
        }

        // The self-check, run again here under the chosen setting: every kernel the models use, forward and backward,
        // against float64. A real computation proves the native library works, not only that it loads.
        KernelCheckResult check = KernelCheck.Run();
        KernelVerdict? verdict = KernelGuard.Current;
        KernelError? worstFp32 = check.Worst(KernelCheck.Fp32), worstBf16 = check.Worst(KernelCheck.Bf16);
        string kernels = (verdict is null ? "self-check switched off (" + KernelGuard.SwitchVariable + "), " : $"{verdict.Setting} ({verdict.SettingDescription}), ") +
                         $"oneDNN ISA {verdict?.Chosen?.OneDnnIsa ?? "unknown"}; worst error fp32 {KernelVerdict.Format(worstFp32?.Error ?? 0)} " +
                         $"({worstFp32?.Case}), {check.Errors.Count} checks in {check.Seconds:0.0} s" +
                         (check.Fp32Ok ? "" : "; WRONG: " + string.Join("; ", check.Failures.Where(f => f.Precision == KernelCheck.Fp32).Take(3)
                             .Select(f => $"{f.Case} {f.Part}: {KernelVerdict.Format(f.Error)}")));
        string bf16 = check.Bf16Ok
            ? $"right: worst error {KernelVerdict.Format(worstBf16?.Error ?? 0)} ({worstBf16?.Case})"
            : $"wrong on this CPU (worst error {KernelVerdict.Format(worstBf16?.Error ?? double.NaN)}, {worstBf16?.Case}): bf16 precision is refused";
        SettingTrial? first = verdict?.Trials.FirstOrDefault();
        string defaults = first is null || !verdict!.Restricted ? "passed"
            : $"wrong (fp32 {KernelVerdict.Format(first.WorstFp32)}, bf16 {KernelVerdict.Format(first.WorstBf16)}; oneDNN ISA {first.OneDnnIsa ?? "?"}" +
              (first.OneDnnKernels.Count > 0 ? "; failing oneDNN kernels: " + string.Join(", ", first.OneDnnKernels.Take(4)) : "") + ")" +
              $"; tried {string.Join(", ", verdict.Trials.Select(t => t.Setting + (t.Fp32Ok ? " (passed)" : "")))}";

        return
        [
            new SystemCheck("TorchSharp", TorchRuntime.TorchSharpVersion, true),
            new SystemCheck("libtorch", TorchRuntime.LibTorchVersion, true),
            new SystemCheck("CPU", CpuIdentity.Read().Describe(), true),
            new SystemCheck("default kernels", defaults, true, Status: verdict is { Restricted: true } ? "fixed" : null),
            new SystemCheck("kernels", kernels, check.Fp32Ok, "report the CPU and libtorch version; training and separation are refused",
                check.Fp32Ok ? null : "WRONG"),
            new SystemCheck("bf16 kernels", bf16, true, Status: check.Bf16Ok ? null : "refused"),
            new SystemCheck("libtorch threads", $"{torch.get_num_threads()} of {Environment.ProcessorCount} cores" +
                $" (default {TorchRuntime.DefaultThreads}; OMP_WAIT_POLICY {TorchRuntime.OpenMpWaitPolicy ?? "unset"})", true),
            new SystemCheck("malloc", TorchRuntime.Allocator, true),
            new SystemCheck("CUDA", torch.cuda.is_available() ? $"available, {torch.cuda.device_count()} device(s)" : "not available (CPU only)", true),
        ];
    }

    private static IEnumerable<SystemCheck> FfmpegChecks()
    {
        FfmpegInstallation ffmpeg;
        try
        {
            ffmpeg = FfmpegInstallation.Locate();
        }
        catch (CentrifugeException e)
        {
            return [new SystemCheck("ffmpeg", e.Message, false, "apt-get install ffmpeg")];
        }

        var encoders = ffmpeg.Encoders();
        var decoders = ffmpeg.Decoders();
        string[] missingEncoders = FfmpegInstallation.RequiredEncoders.Where(c => !encoders.Contains(c)).ToArray();
        string[] missingDecoders = FfmpegInstallation.RequiredDecoders.Where(c => !decoders.Contains(c)).ToArray();
        return
        [
            new SystemCheck("ffmpeg", ffmpeg.FfmpegVersion() + " (" + ffmpeg.FfmpegPath + ")", true),
            new SystemCheck("ffprobe", ffmpeg.FfprobeVersion() + " (" + ffmpeg.FfprobePath + ")", true),
            new SystemCheck("encoders", missingEncoders.Length == 0
                    ? string.Join(", ", FfmpegInstallation.RequiredEncoders)
                    : "missing " + string.Join(", ", missingEncoders),
                missingEncoders.Length == 0, "install an ffmpeg built with libx264 (Debian's ffmpeg package is)"),
            new SystemCheck("decoders", missingDecoders.Length == 0
                    ? string.Join(", ", FfmpegInstallation.RequiredDecoders)
                    : "missing " + string.Join(", ", missingDecoders),
                missingDecoders.Length == 0, "install Debian's ffmpeg package"),
        ];
    }
}

using System.Diagnostics;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Runtime;

/// <summary>
/// The guard with real child processes: a fault injected into chosen kernel settings (<see cref="KernelFault"/>) stands
/// for a CPU whose kernels are wrong under them, so these tests mean the same on every CPU.
/// </summary>
public class KernelGuardTests
{
    [Fact]
    public void The_guard_skips_a_setting_whose_kernels_are_wrong_and_keeps_the_next_that_is_right()
    {
        KernelSetting[] candidates = [KernelSetting.Find("onednn-sse41")!, KernelSetting.Find("no-onednn")!];
        KernelVerdict verdict = WithFault("conv3d:backward:fp32:8:onednn-sse41", () => KernelGuard.Decide(candidates, KernelGuard.RunChild));

        Assert.Equal("no-onednn", verdict.Setting);
        Assert.True(verdict.Fp32Ok);
        Assert.Equal(["onednn-sse41", "no-onednn"], verdict.Trials.Select(t => t.Setting));
        SettingTrial wrong = verdict.Trials[0];
        Assert.False(wrong.Fp32Ok);
        Assert.True(wrong.Fp32ForwardOk);
        Assert.Null(wrong.Crash);
        Assert.Contains(wrong.Failures, f => f.StartsWith("conv3d 3x3x3 3->4, fp32, gradient of input 0", StringComparison.Ordinal));
        Assert.Contains("using no-onednn", verdict.Summary());
    }

    [Fact]
    public void With_no_setting_right_the_verdict_says_so_and_names_every_setting_tried()
    {
        KernelSetting[] candidates = [KernelSetting.Find("onednn-sse41")!];
        KernelVerdict verdict = WithFault("conv3d:forward:fp32", () => KernelGuard.Decide(candidates, KernelGuard.RunChild));
        Assert.False(verdict.Fp32Ok);
        Assert.False(verdict.Fp32ForwardOk);
        Assert.Contains("under every kernel setting tried (onednn-sse41)", verdict.Summary());
    }

    [SkippableFact]
    public void Training_is_refused_in_one_line_and_leaves_no_run_folder_when_no_setting_computes_gradients_right()
    {
        using var dir = new TempDir();
        string run = Path.Combine(dir.Path, "run");
        (int code, string stderr) = RunCli(dir.Path, "conv3d:backward:fp32",
            "train", "--data", dir.Path, "--preset", "tiny", "--out", run, "--iterations", "1");

        Assert.Equal(ExitCodes.Environment, code);
        string[] errors = [.. stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("centrifuge: error:", StringComparison.Ordinal))];
        Assert.True(errors.Length == 1, stderr);
        Assert.Contains("refusing to train", errors[0]);
        Assert.Contains("gradients", errors[0]);
        Assert.False(Directory.Exists(run));
        Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "cache", "kernels"), "*.json"));   // the verdict is cached
    }

    [SkippableFact]
    public void Bf16_is_refused_when_the_bf16_kernels_are_wrong_and_fp32_still_runs()
    {
        string video = Repo.RequireSample("opencv-doc/vtest.avi");
        using var dir = new TempDir();
        (int code, string stderr) = RunCli(dir.Path, "*:forward:bf16",
            "separate", video, "-o", Path.Combine(dir.Path, "out"), "--precision", "bf16");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("bf16 convolutions are wrong on this CPU", stderr);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "out", "vtest")));
    }

    private static KernelVerdict WithFault(string fault, Func<KernelVerdict> decide)
    {
        Environment.SetEnvironmentVariable(KernelFault.EnvironmentVariable, fault);   // the children inherit it
        try
        {
            return decide();
        }
        finally
        {
            Environment.SetEnvironmentVariable(KernelFault.EnvironmentVariable, null);
        }
    }

    // The real CLI in its own process, with its own user cache, so the guard decides afresh under the fault.
    private static (int Code, string Stderr) RunCli(string folder, string fault, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliRunner.ExecutableDll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["CENTRIFUGE_CACHE_DIR"] = Path.Combine(folder, "cache");
        start.Environment["CENTRIFUGE_KERNEL_CACHE"] = Path.Combine(folder, "cache", "kernels");
        start.Environment[KernelFault.EnvironmentVariable] = fault;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "the CLI did not finish in 5 minutes");
        _ = stdout.Result;
        return (process.ExitCode, stderr);
    }
}

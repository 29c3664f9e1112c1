using Centrifuge.Runtime;
using Centrifuge.Tests.Evaluation;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Runtime;

/// <summary>
/// libtorch's own log lines ("[W1204 13:16:05.496 NNPACK.cpp:56] Could not initialize NNPACK! ...", a dozen per process
/// on AMD Zen 5) are hidden unless --verbose asks for them; its errors still show.
/// </summary>
public class NativeLogTests(EvaluationClips clips) : IClassFixture<EvaluationClips>
{
    [Fact]
    public void Loading_libtorch_raises_its_log_threshold_to_errors_and_the_flag_is_libtorchs_own()
    {
        TorchRuntime.EnsureLoaded();
        Assert.Equal(NativeLog.Error, NativeLog.CurrentThreshold);
        try
        {
            Assert.True(NativeLog.SetThreshold(NativeLog.Warning));
            Assert.Equal(NativeLog.Warning, NativeLog.CurrentThreshold);
        }
        finally { NativeLog.SetThreshold(NativeLog.Error); }
    }

    /// <summary>On a CPU where NNPACK starts, neither run has such lines and the test only checks our own lines still show.</summary>
    [Fact]
    public void A_command_prints_no_libtorch_warning_unless_verbose()
    {
        string[] args = ["evaluate", "--model", clips.Checkpoint, "--data", clips.Videos, "--pairs", "2", "--clip", EvaluationClips.Clip, "--json"];
        static int NativeLines(CliProcess run) => run.Error.Split('\n').Count(line => line.StartsWith("[W", StringComparison.Ordinal));
        using CliProcess quiet = CliProcess.Start(args), verbose = CliProcess.Start([.. args, "--verbose"]);
        Assert.Equal(0, quiet.Exit(TimeSpan.FromMinutes(3)));
        Assert.Equal(0, verbose.Exit(TimeSpan.FromMinutes(3)));
        Assert.Equal(0, NativeLines(quiet));
        Assert.Contains("broken.mp4", quiet.Error);   // our own lines still show
        if (CpuIdentity.Read() is { Family: "26" } cpu && cpu.ModelName.StartsWith("AMD", StringComparison.Ordinal))
            Assert.True(NativeLines(verbose) > 0, "AMD Zen 5: libtorch's NNPACK warning shows under --verbose");
    }

    /// <summary>
    /// With oneDNN off (the kernel guard's training setting) libtorch asked NNPACK again before every eligible 2D
    /// convolution, and on AMD Zen 5 each failed ask logged again: 32 lines for this 3-step training, over 4,000 in a long
    /// one. NNPACK is now switched off where it cannot start, so it is asked once. Elsewhere no line shows either way.
    /// </summary>
    [Fact]
    public void A_verbose_training_asks_NNPACK_at_most_once()
    {
        using var dir = new TempDir();
        using CliProcess run = CliProcess.Start(["train", "--preset", "tiny", "--data", "synthetic:shapes", "--iterations", "3",
            "--val-every", "3", "--threads", "2", "--verbose", "--out", dir.File("run")]);
        Assert.Equal(0, run.Exit(TimeSpan.FromMinutes(3)));
        int asks = run.Error.Split('\n').Count(line => line.Contains("NNPACK", StringComparison.Ordinal));
        Assert.True(asks <= 1, $"{asks} NNPACK lines");
    }
}

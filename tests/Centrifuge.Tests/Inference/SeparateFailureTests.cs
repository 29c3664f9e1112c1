using System.Diagnostics;
using System.Text.Json;
using Centrifuge.Inference.Output;
using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Inference;

/// <summary>
/// Issue 19, items 2, 5 and 9 for `separate`, end to end: a pipe as input, a full disk, a killed run's temporary
/// folder, a file name near the 255-byte limit, --alpha without --blend, and variable-frame-rate timing.
/// </summary>
public sealed class SeparateFailureTests(DamagedClips clips) : IClassFixture<DamagedClips>
{
    private string[] Args(string outDir, params string[] inputs) =>
        ["separate", .. inputs, "-o", outDir, "--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2"];

    [SkippableFact]
    public void A_pipe_as_input_is_one_line_for_that_input_and_the_batch_goes_on()
    {
        Skip.IfNot(File.Exists("/bin/bash"), "needs bash for <(...)");
        using var dir = new TempDir();
        string outDir = dir.File("out");
        // Exactly the command line: ./centrifuge separate ok.mp4 <(cat x.mp4) -o O --json
        string script = $"exec dotnet \"$0\" {string.Join(' ', Args(outDir, clips.Clean).Select(a => $"'{a}'"))} <(cat '{clips.Clean}') --json";
        (int code, string output, string error) = RunProcess("/bin/bash", "-c", script, CliRunner.ExecutableDll);

        Assert.True(code == ExitCodes.PartialFailure, $"exit {code}: {error}");
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement[] items = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, items.Length);
        Assert.True(items[0].GetProperty("ok").GetBoolean());
        Assert.False(items[1].GetProperty("ok").GetBoolean());
        Assert.Equal(ExitCodes.NotAFile, items[1].GetProperty("exit_code").GetInt32());
        Assert.Contains("is a pipe or device, not a regular file", items[1].GetProperty("error").GetString());
        // (cat, the pipe's writer, may say "Broken pipe" once the reader has closed it.)
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("centrifuge:"));
        Assert.StartsWith("centrifuge: error: /dev/fd/", line);
        Assert.DoesNotContain("internal error", error);
    }

    [SkippableFact]
    public void A_full_disk_fails_the_input_that_does_not_fit_in_one_line_and_the_next_one_still_runs()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "mounting a small tmpfs needs root on Linux");
        using var dir = new TempDir();
        // Measure both outputs on a normal disk, then give the tmpfs room for the small one only.
        CliResult measure = CliRunner.Run(Args(dir.File("measure"), clips.Clean, clips.DamagedButComplete));
        Assert.True(measure.ExitCode == 0, measure.Error);
        long big = FolderBytes(dir.File("measure/clean")), small = FolderBytes(dir.File("measure/damaged-but-complete"));
        long room = (small + 64 * 1024) / 4096 * 4096;
        Assert.True(big > room + 16 * 1024, $"the premise: {big} bytes must not fit in {room}");

        string mount = dir.File("disk");
        Directory.CreateDirectory(mount);
        (int mounted, _, string why) = RunProcess("mount", "-t", "tmpfs", "-o", $"size={room / 1024}k", "tmpfs", mount);
        Skip.If(mounted != 0, $"cannot mount a tmpfs here: {why.Trim()}");
        try
        {
            string outDir = Path.Combine(mount, "o");
            CliResult result = CliRunner.Run([.. Args(outDir, clips.Clean, clips.DamagedButComplete), "--json"]);
            Assert.Equal(ExitCodes.PartialFailure, result.ExitCode);
            using JsonDocument json = JsonDocument.Parse(result.Output);
            JsonElement[] items = json.RootElement.EnumerateArray().ToArray();
            Assert.False(items[0].GetProperty("ok").GetBoolean());
            Assert.Equal(ExitCodes.WriteFailed, items[0].GetProperty("exit_code").GetInt32());
            Assert.Contains("no space left on device", items[0].GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.True(items[1].GetProperty("ok").GetBoolean(), result.Error);
            string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.Contains("warning"));
            Assert.StartsWith($"centrifuge: error: {clips.Clean}: ", line);
            // Nothing of the failed input is left: no partial folder, no temporary folder, no lock file.
            Assert.Equal(["damaged-but-complete"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName));
            Assert.Equal(7, Directory.GetFiles(Path.Combine(outDir, "damaged-but-complete")).Length);
        }
        finally
        {
            RunProcess("umount", mount);
        }
    }

    /// <summary>
    /// Issue 30, case 9d: a layer video that did not fit on the disk was reported by its name inside the hidden
    /// temporary folder, and by ffmpeg's temporary file name in it (OUTDIR/.clean.tmp-XXXX/.layer-2.mp4.tmp-PID-ID.mp4).
    /// The line names the input and the output file the user asked for.
    /// </summary>
    [SkippableFact]
    public void A_full_disk_names_the_input_and_the_output_file_never_a_temporary_name()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "mounting a small tmpfs needs root on Linux");
        using var dir = new TempDir();
        string mount = dir.File("disk");
        Directory.CreateDirectory(mount);
        (int mounted, _, string why) = RunProcess("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount);
        Skip.If(mounted != 0, $"cannot mount a tmpfs here: {why.Trim()}");
        try
        {
            string outDir = Path.Combine(mount, "o");
            CliResult result = CliRunner.Run(Args(outDir, clips.Clean));
            Assert.Equal(ExitCodes.WriteFailed, result.ExitCode);
            string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("centrifuge:"));
            Assert.StartsWith($"centrifuge: error: {clips.Clean}: writing the outputs failed: ", line);
            Assert.Contains("no space left on device", line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(".tmp-", line);
            Assert.Empty(Directory.GetFileSystemEntries(outDir));
        }
        finally
        {
            RunProcess("umount", mount);
        }
    }

    [SkippableFact]
    public void A_killed_run_leaves_a_temporary_folder_that_the_next_run_removes()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        string input = clips.File("long.mp4");
        if (!File.Exists(input))
            RunProcess("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=20",
                "-pix_fmt", "yuv420p", input);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[CliRunner.ExecutableDll, .. Args(outDir, input)]) start.ArgumentList.Add(arg);
        using (var process = Process.Start(start)!)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var clock = Stopwatch.StartNew();
            // Kill it (SIGKILL: no chance to clean up) once it is writing its layer videos.
            while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2) &&
                   !(Directory.Exists(outDir) && Directory.GetDirectories(outDir, ".long.tmp-*").Any(d => Directory.GetFiles(d, "layer-1*").Length > 0)))
                Thread.Sleep(10);
            Skip.If(process.HasExited, "the separation finished before it could be killed");
            process.Kill();
            process.WaitForExit();
        }
        string[] left = Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).ToArray()!;
        Assert.Contains(left, e => e!.StartsWith(".long.tmp-") && !e.EndsWith(".lock"));
        Assert.Contains(left, e => e!.EndsWith(".lock"));

        // A folder that a live run holds (its lock taken) must survive; the dead run's must go.
        string live = Path.Combine(outDir, ".long.tmp-0badc0de");
        Directory.CreateDirectory(live);
        using (new FileStream(live + ".lock", FileMode.Create, FileAccess.ReadWrite, FileShare.None))
        {
            CliResult again = CliRunner.Run(Args(outDir, input));
            Assert.True(again.ExitCode == 0, again.Error);
            Assert.Equal([".long.tmp-0badc0de", ".long.tmp-0badc0de.lock", "long"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order());
        }
        Assert.Equal(1, SeparationOutputFolder.RemoveStale(outDir, "long"));   // released: now provably dead
        Assert.Equal(["long"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName));
    }

    /// <summary>
    /// Issue 30, case 9b: Ctrl-C or TERM during `separate` used to end the process on the spot (.NET's default), leaving
    /// OUTDIR/.&lt;name&gt;.tmp-XXXX/ and its lock and printing nothing. Now the run stops at the next window, removes
    /// them, says so in one line and exits 130 / 143; the input finished before the signal stays.
    /// </summary>
    [SkippableTheory]
    [InlineData("INT", ExitCodes.Interrupted)]
    [InlineData("TERM", ExitCodes.Terminated)]
    public void A_signal_during_separate_removes_the_temporary_folder_says_so_in_one_line_and_exits_130_or_143(string signal, int expected)
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "POSIX signals and /proc");
        // A shell starts background jobs with SIGINT ignored and children inherit it: then Ctrl-C cannot reach them at all.
        Skip.If(signal == "INT" && SignalIgnoredByInheritance(2), "SIGINT is ignored in this process tree (started in the background by a shell)");
        using var dir = new TempDir();
        string outDir = dir.File("out");
        string input = clips.File("minutes.mp4");   // 10 minutes at 64x48: far longer than the test waits
        if (!File.Exists(input))
            RunProcess("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=600",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", input);
        using var separate = CliProcess.Start(Args(outDir, clips.Clean, input));
        var clock = Stopwatch.StartNew();
        // Signal once the long input's layers are being written (its temporary folder holds a layer video). Only the
        // temporary folder counts: a poll that also accepts the finished output folder signals a run that has already
        // ended, and sees exit 0 (an earlier version of this test, on a 3000-frame input the tiny model finished in seconds).
        while (!separate.Process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3) &&
               !(Directory.Exists(outDir) && Directory.GetDirectories(outDir, ".minutes.tmp-*").Any(d => Directory.GetFiles(d, "*layer-1*").Length > 0)))
            Thread.Sleep(10);
        Assert.False(separate.Process.HasExited, "separate ended before it could be signalled: " + separate.Error);
        separate.Signal(signal);
        int code = separate.Exit(TimeSpan.FromMinutes(1));

        Assert.True(code == expected, $"exit {code}: {separate.Error}");
        Assert.Equal(["clean"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName));   // no temp folder, no lock
        string line = Assert.Single(separate.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("centrifuge:"));
        Assert.Equal($"centrifuge: separate: interrupted by SIG{signal}: {input} was not finished and left no output; 1 finished input is in {outDir}",
            line.TrimEnd());
    }

    [Fact]
    public void A_file_name_that_fits_the_file_system_is_not_refused_for_its_temporary_name()
    {
        using var dir = new TempDir();
        string stem = new string('a', 246);                 // 250 characters with ".mp4"; ".<stem>.tmp-XXXXXXXX" would not fit
        string input = dir.File(stem + ".mp4");
        File.Copy(clips.DamagedButComplete, input);
        string outDir = dir.File("out");
        CliResult result = CliRunner.Run(Args(outDir, input));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal([stem], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName));
        Assert.Equal(7, Directory.GetFiles(Path.Combine(outDir, stem)).Length);
    }

    [Fact]
    public void Alpha_without_blend_or_out_of_range_is_a_usage_error_before_any_work()
    {
        using var dir = new TempDir();
        CliResult alone = CliRunner.Run(["separate", clips.Clean, "-o", dir.File("out"), "--model", dir.File("none.ckpt"), "--alpha", "2"]);
        Assert.Equal(ExitCodes.Usage, alone.ExitCode);
        Assert.Contains("--alpha 2: only used with --blend", alone.Error);
        CliResult range = CliRunner.Run(["separate", "-o", dir.File("out"), "--model", dir.File("none.ckpt"), "--blend", clips.Clean, clips.Clean, "--alpha", "-0.5"]);
        Assert.Equal(ExitCodes.Usage, range.ExitCode);   // before the (missing) model is even looked at
        Assert.Contains("--alpha -0.5: must be between 0 and 1", range.Error);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void A_variable_frame_rate_input_keeps_its_frame_times()
    {
        double[] input = DamagedClips.PacketTimes(clips.VariableRate);
        Assert.True(Centrifuge.Video.FrameTimes.IsVariable(input), "the premise: a variable-rate clip");
        using var dir = new TempDir();
        CliResult result = CliRunner.Run(Args(dir.File("out"), clips.VariableRate));
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (string video in new[] { "layer-1.mp4", "layer-2.mp4", "pair-a.mp4", "preview.mp4" })
        {
            string path = Path.Combine(dir.File("out"), "vfr", video);
            double[] output = DamagedClips.PacketTimes(path);
            Assert.Equal(input.Length, output.Length);
            for (int i = 0; i < input.Length; i++) Assert.True(Math.Abs(input[i] - output[i]) < 0.0015, $"{video} frame {i}: {output[i]} s, input {input[i]} s");
            Assert.Equal(VideoProbe.Probe(clips.VariableRate).DurationSeconds, VideoProbe.Probe(path).DurationSeconds, 2);
        }
    }

    // True when this process ignores signal number <paramref name="number"/> (SigIgn in /proc/self/status): children inherit it.
    private static bool SignalIgnoredByInheritance(int number)
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (number - 1))) != 0;
    }

    private static long FolderBytes(string folder) => Directory.GetFiles(folder).Sum(f => (new FileInfo(f).Length + 4095) / 4096 * 4096);

    private static (int Code, string Output, string Error) RunProcess(string exe, params string[] args)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}

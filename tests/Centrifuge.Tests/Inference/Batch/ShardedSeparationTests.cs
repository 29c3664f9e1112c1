using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Centrifuge.Inference.Batch;
using Centrifuge.Inference.Output;
using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Inference.Batch;

/// <summary>
/// Sharded batch separation: three shard processes started from docs/scaling/slurm-separate.sh into one folder cover
/// the input list exactly once; a re-run of one shard through the command line of docs/scaling/separate-indexed-job.yaml
/// skips every finished output without touching it and redoes a partial one; merge-shards reports it all.
/// </summary>
public class ShardedSeparationTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    private const int Shards = 3;
    private static readonly string SlurmScript = Path.Combine(Repo.Root, "docs", "scaling", "slurm-separate.sh");
    private static readonly string KubernetesJob = Path.Combine(Repo.Root, "docs", "scaling", "separate-indexed-job.yaml");

    private string SeparateOptions => $"--model {clips.TinyModel} --size 32 --window 8 --overlap 2";

    [SkippableFact]
    public void Three_shard_processes_cover_the_list_exactly_once_and_a_rerun_with_skip_existing_rewrites_nothing_finished()
    {
        using var dir = new TempDir();
        string outDir = dir.File("separated");
        // Two clips per shard (names chosen by the split rule), a text file named like a video, and two inputs that
        // would share one output folder: both always land in one shard, which separates one and refuses the other.
        var videos = new List<string>();
        for (int shard = 0; shard < Shards; shard++)
            foreach (string name in NamesOfShard(shard).Take(2))
                videos.Add(clips.Generate($"{name}.mp4", "testsrc2=size=48x32:rate=8", 6));
        Directory.CreateDirectory(dir.File("a"));
        Directory.CreateDirectory(dir.File("b"));
        string twinA = dir.File("a/twin.mp4"), twinB = dir.File("b/twin.mp4");
        File.Copy(videos[0], twinA);
        File.Copy(videos[1], twinB);
        string notAVideo = dir.File("notes.mp4");
        File.WriteAllText(notAVideo, "not a video\n");
        string[] inputs = [.. videos, twinA, twinB, notAVideo];
        string list = dir.File("archive.txt");
        File.WriteAllLines(list, ["# the archive", "", .. inputs.Reverse()]);

        // Three shards at once, each the Slurm array task K of 0-2, running the script unchanged.
        string bin = CentrifugeOnPath(dir);
        var processes = Enumerable.Range(0, Shards).Select(k => Start("bash",
            [SlurmScript, $"{Shards}", list, outDir, .. SeparateOptions.Split(' ')],
            new() { ["SLURM_ARRAY_TASK_ID"] = $"{k}" }, bin)).ToList();
        foreach (var p in processes) Finish(p);

        ShardMergeReport report = Merge(outDir, out int mergeExit);
        Assert.Equal(ExitCodes.PartialFailure, mergeExit);   // the text file and one twin failed
        Assert.Empty(report.Missing);
        Assert.Empty(report.Unfinished);
        Assert.Empty(report.Problems);
        Assert.Equal(inputs.Order(), report.Inputs.Select(i => i.Input).Order());   // every input exactly once
        foreach (MergedInput input in report.Inputs)
            Assert.Equal(ShardSpec.Of(input.Input, Shards), input.Shard);
        Assert.Equal(videos.Count + 1, report.Done);
        Assert.Equal(2, report.Failed);
        Assert.Contains(report.Inputs, i => i.Input == notAVideo && i.Status == ShardInputStatus.Failed);
        Assert.Single(report.Inputs, i => i.Output == "twin" && i.Status == ShardInputStatus.Failed && i.Error!.Contains("already used"));
        string[] folders = [.. Directory.GetDirectories(outDir).Select(d => Path.GetFileName(d)).Order()];
        Assert.Equal([.. videos.Select(v => Path.GetFileNameWithoutExtension(v)).Append("twin").Append(ShardRecord.FolderName).Order()], folders);
        foreach (string video in videos)
            Assert.Equal(OutputFolderState.Complete, FinishedOutput.Inspect(outDir, video).State);

        // Shard 1 is pre-empted: one of its outputs loses a layer. It is re-run through the Kubernetes Job's command line.
        string partialInput = videos.First(v => ShardSpec.Of(v, Shards) == 1);
        string partial = Path.Combine(outDir, Path.GetFileNameWithoutExtension(partialInput));
        File.Delete(Path.Combine(partial, "layer-2.mp4"));
        Dictionary<string, string> before = Snapshot(outDir, except: partial);

        Finish(Start("sh", ["-c", KubernetesCommand()], new()
        {
            ["JOB_COMPLETION_INDEX"] = "1", ["SHARDS"] = $"{Shards}", ["INPUT_LIST"] = list, ["OUTDIR"] = outDir,
            ["CENTRIFUGE_OPTIONS"] = SeparateOptions,
        }, bin));

        Assert.Equal(before, Snapshot(outDir, except: partial));                  // nothing finished was rewritten
        Assert.Equal(OutputFolderState.Complete, FinishedOutput.Inspect(outDir, partialInput).State);   // the partial one was redone
        ShardRecordFile rerun = ShardRecord.Read(ShardRecord.PathOf(outDir, new ShardSpec(1, Shards)));
        Assert.NotNull(rerun.Finished);
        Assert.Equal(ShardInputStatus.Done, rerun.Inputs.Single(i => i.Input == partialInput).Status);
        Assert.All(rerun.Inputs.Where(i => i.Input != partialInput && i.Input != notAVideo && !i.Input.EndsWith("twin.mp4")),
            i => Assert.Equal(ShardInputStatus.Skipped, i.Status));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(outDir), e => Path.GetFileName(e).StartsWith('.'));   // no temporaries left
    }

    [Fact]
    public void The_split_depends_only_on_the_names_and_covers_the_list_once()
    {
        string[] list = [.. Enumerable.Range(0, 40).Select(i => $"/archive/{i % 3}/video-{i}.mp4")];
        string[] shuffled = [.. list.OrderBy(p => ShardRecord.Digest([p]))];
        for (int n = 1; n <= 5; n++)
        {
            var shards = Enumerable.Range(0, n).Select(k => SeparationInputs.Select(list, new ShardSpec(k, n))).ToList();
            Assert.Equal(list.Order(), shards.SelectMany(s => s).Order());                       // exactly once
            for (int k = 0; k < n; k++)
                Assert.Equal(shards[k], SeparationInputs.Select(shuffled, new ShardSpec(k, n)));  // any order, same shard
        }
        // The rule is the documented one: FNV-1a 64 of the UTF-8 output name, mod N.
        Assert.Equal(ShardSpec.Fnv1a64("video-7"u8) % 5, (ulong)ShardSpec.Of("/elsewhere/video-7.mkv", 5));
        Assert.Equal(0xcbf29ce484222325UL, ShardSpec.Fnv1a64([]));
        Assert.Equal(0xaf63dc4c8601ec8cUL, ShardSpec.Fnv1a64("a"u8));   // the published FNV-1a test vector
    }

    [Theory]
    [InlineData("3/3", "K must be between 0 and N-1 = 2")]
    [InlineData("0/0", "N must be at least 1")]
    [InlineData("1", "expected K/N")]
    [InlineData("a/b", "expected K/N")]
    public void A_bad_shard_is_refused_in_one_line_before_any_work(string shard, string reason)
    {
        using var dir = new TempDir();
        CliResult result = CliRunner.Run("separate", clips.Mandelbrot, "--shard", shard, "-o", dir.File("out"), "--model", clips.TinyModel);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith($"centrifuge: error: --shard {shard}: ", result.Error.Trim().Split('\n').Single());
        Assert.Contains(reason, result.Error);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Skip_existing_skips_a_complete_output_and_refuses_a_folder_that_is_not_ours()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        string[] common = ["-o", outDir, "--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2", "--json"];
        Assert.Equal(0, CliRunner.Run(["separate", clips.Mandelbrot, .. common]).ExitCode);
        string summary = Path.Combine(outDir, "mandel", "summary.json");
        DateTime written = File.GetLastWriteTimeUtc(summary);
        Directory.CreateDirectory(Path.Combine(outDir, "testsrc"));
        File.WriteAllText(Path.Combine(outDir, "testsrc", "mine.txt"), "keep me");

        CliResult result = CliRunner.Run(["separate", clips.Mandelbrot, clips.Testsrc, "--skip-existing", .. common]);

        Assert.Equal(ExitCodes.PartialFailure, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement[] items = [.. json.RootElement.EnumerateArray()];
        Assert.True(items[0].GetProperty("ok").GetBoolean());
        Assert.Contains("complete", items[0].GetProperty("skipped").GetString());
        Assert.False(items[1].GetProperty("ok").GetBoolean());
        Assert.Equal(ExitCodes.OutputExists, items[1].GetProperty("exit_code").GetInt32());
        Assert.Contains("--force", result.Error);
        Assert.Equal(written, File.GetLastWriteTimeUtc(summary));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(outDir, "testsrc", "mine.txt")));
    }

    [Fact]
    public void Skip_existing_redoes_an_output_whose_input_changed_since()
    {
        // Issue 30, case 9: the output of a 6-frame input was kept after the input became a 10-frame one.
        using var dir = new TempDir();
        string outDir = dir.File("out"), input = dir.File("clip.mp4");
        string[] common = ["-o", outDir, "--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2", "--skip-existing", "--json"];
        File.Copy(clips.Generate("six.mp4", "testsrc2=size=48x32:rate=8", 6), input);
        Assert.Equal(0, CliRunner.Run(["separate", input, .. common]).ExitCode);
        using (JsonDocument again = JsonDocument.Parse(CliRunner.Run(["separate", input, .. common]).Output))
            Assert.Contains("complete", again.RootElement[0].GetProperty("skipped").GetString());   // unchanged: kept

        File.Copy(clips.Generate("ten.mp4", "testsrc2=size=48x32:rate=8", 10), input, overwrite: true);
        CliResult changed = CliRunner.Run(["separate", input, .. common]);
        Assert.True(changed.ExitCode == 0, changed.Error);
        using JsonDocument json = JsonDocument.Parse(changed.Output);
        Assert.Equal(JsonValueKind.Null, json.RootElement[0].GetProperty("skipped").ValueKind);
        Assert.Equal(10, json.RootElement[0].GetProperty("summary").GetProperty("frames").GetInt32());
        Assert.Equal(10, VideoProbe.Probe(Path.Combine(outDir, "clip", "layer-1.mp4")).Frames);
    }

    [Fact]
    public void Merge_reports_shards_written_at_different_strengths_until_a_rerun_at_one_strength()
    {
        // Two shards of one list, the second run at another strength (as after a model's default changed between runs).
        using var dir = new TempDir();
        string outDir = dir.File("out"), list = dir.File("list.txt");
        string source = clips.Generate("strength-source.mp4", "testsrc2=size=48x32:rate=8", 6);
        string[] inputs = [.. Enumerable.Range(0, 2).Select(k =>
        {
            string name = NamesOfShard(k, shards: 2).First();
            File.Copy(source, dir.File(name + ".mp4"));
            return dir.File(name + ".mp4");
        })];
        File.WriteAllLines(list, inputs);
        string[] common = ["--inputs-from", list, "-o", outDir, "--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2", "--skip-existing"];
        Assert.Equal(0, CliRunner.Run(["separate", "--shard", "0/2", "--strength", "1", .. common]).ExitCode);
        Assert.Equal(0, CliRunner.Run(["separate", "--shard", "1/2", "--strength", "0.5", .. common]).ExitCode);

        ShardMergeReport mixed = Merge(outDir, out int exit);
        Assert.NotEqual(ExitCodes.Ok, exit);
        string problem = Assert.Single(mixed.Problems);
        Assert.Contains("different strengths: ", problem);
        Assert.Contains("1 (1 input of shard 0, e.g. " + inputs[0] + ")", problem);
        Assert.Contains("0.5 (1 input of shard 1, e.g. " + inputs[1] + ")", problem);
        Assert.Equal(2, mixed.Done);

        // Shard 1 again at strength 1: its output at 0.5 is redone, and the batch is whole.
        Assert.Equal(0, CliRunner.Run(["separate", "--shard", "1/2", "--strength", "1", .. common]).ExitCode);
        ShardMergeReport whole = Merge(outDir, out int wholeExit);
        Assert.Equal(ExitCodes.Ok, wholeExit);
        Assert.Empty(whole.Problems);
        Assert.True(whole.Complete);
    }

    [Fact]
    public void A_missing_input_list_is_one_line_and_comments_and_blank_lines_are_ignored()
    {
        using var dir = new TempDir();
        CliResult missing = CliRunner.Run("separate", "--inputs-from", dir.File("nope.txt"), "-o", dir.File("out"), "--model", clips.TinyModel);
        Assert.Equal(ExitCodes.MissingInput, missing.ExitCode);
        Assert.Equal($"centrifuge: error: --inputs-from {dir.File("nope.txt")}: no such input list", missing.Error.Trim());

        string list = dir.File("list.txt");
        File.WriteAllLines(list, ["# clips", "", $"  {clips.Mandelbrot}  ", clips.Mandelbrot]);
        Assert.Equal([clips.Mandelbrot], SeparationInputs.Gather([], list));
    }

    [Fact]
    public void The_Kubernetes_Job_runs_as_many_shards_as_it_says()
    {
        string[] lines = File.ReadAllLines(KubernetesJob);
        string completions = lines.Single(l => l.Trim().StartsWith("completions:")).Split(':')[1].Split('#')[0].Trim();
        int shardsLine = Array.FindIndex(lines, l => l.Trim() == "- name: SHARDS");
        string shards = lines[shardsLine + 1].Split(':')[1].Split('#')[0].Trim().Trim('"');
        Assert.Equal(completions, shards);
        Assert.Contains("completionMode: Indexed", lines.Select(l => l.Trim()));
    }

    [SkippableFact]
    public void The_onnx_runtime_separates_with_the_same_outputs_as_libtorch()
    {
        using var dir = new TempDir();
        string[] common = [clips.Mandelbrot, "--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2"];
        CliResult torch = CliRunner.Run(["separate", .. common, "-o", dir.File("torch")]);
        CliResult onnx = CliRunner.Run(["separate", .. common, "-o", dir.File("onnx"), "--runtime", "onnx"]);
        Assert.True(onnx.ExitCode == 0, onnx.Error);
        Assert.Equal(0, torch.ExitCode);
        foreach (string file in FinishedOutput.ExpectedFiles(2).Append("summary.json"))
            Assert.True(File.Exists(Path.Combine(dir.File("onnx"), "mandel", file)), file);
        Assert.True(MeanDifference(dir.File("torch"), dir.File("onnx")) < 0.01);   // the same layers, up to H.264 rounding

        // An exported file as --model runs in OnnxRuntime as it is.
        string exported = dir.File("tiny.onnx");
        Assert.Equal(0, CliRunner.Run("export", "--model", clips.TinyModel, "--onnx", exported).ExitCode);
        CliResult fromFile = CliRunner.Run(["separate", clips.Mandelbrot, "--model", exported, "--size", "32", "--window", "8", "--overlap", "2", "-o", dir.File("file")]);
        Assert.True(fromFile.ExitCode == 0, fromFile.Error);
        Assert.True(MeanDifference(dir.File("torch"), dir.File("file")) < 0.01);

        CliResult bf16 = CliRunner.Run(["separate", .. common, "-o", dir.File("bf16"), "--runtime", "onnx", "--precision", "bf16"]);
        Assert.Equal(ExitCodes.Usage, bf16.ExitCode);
        Assert.Contains("fp32 only", bf16.Error);
    }

    // Mean |a - b| over every pixel of layer-1.mp4 and layer-2.mp4 of the mandel outputs of two runs, on the [-1, 1] scale.
    private static double MeanDifference(string outA, string outB)
    {
        double sum = 0;
        foreach (string layer in new[] { "layer-1.mp4", "layer-2.mp4" })
        {
            using var readA = VideoReader.Open(Path.Combine(outA, "mandel", layer));
            using var readB = VideoReader.Open(Path.Combine(outB, "mandel", layer));
            using TorchSharp.torch.Tensor a = FrameTensors.ToTensor(readA.ReadChunk(1000)!);
            using TorchSharp.torch.Tensor b = FrameTensors.ToTensor(readB.ReadChunk(1000)!);
            Assert.Equal(a.shape, b.shape);
            sum += (a - b).abs().mean().item<float>();
        }
        return sum / 2;
    }

    // Names that the split rule puts in one shard: "clip-00", "clip-01", ... filtered.
    private static IEnumerable<string> NamesOfShard(int shard, int shards = Shards) =>
        Enumerable.Range(0, 100).Select(i => $"clip-{i:00}").Where(n => ShardSpec.Of(n + ".mp4", shards) == shard);

    // The container's command line from the Job manifest: the single-quoted args item that runs `centrifuge separate`.
    private static string KubernetesCommand()
    {
        string line = File.ReadAllLines(KubernetesJob).Single(l => l.Contains("centrifuge separate")).Trim();
        Assert.StartsWith("- '", line);
        return line[3..^1].Replace("''", "'");
    }

    // A folder with a `centrifuge` executable that runs this build's CLI, as the scripts expect on PATH.
    private static string CentrifugeOnPath(TempDir dir)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string dll = Path.Combine(Repo.Root, "src", "Centrifuge.Cli", "bin", configuration, "net10.0", "Centrifuge.Cli.dll");
        Skip.IfNot(File.Exists(dll), $"{dll} not built");
        string bin = dir.File("bin");
        Directory.CreateDirectory(bin);
        string script = Path.Combine(bin, "centrifuge");
        File.WriteAllText(script, $"#!/bin/sh\nexec dotnet '{dll}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    private static Process Start(string program, string[] args, Dictionary<string, string> environment, string bin)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach ((string key, string value) in environment) start.Environment[key] = value;
        start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["OMP_NUM_THREADS"] = "1";
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    // Waits; a shard exits 0, or 20 when some of its inputs failed (they are in its record). Anything else is a failure.
    private static void Finish(Process process)
    {
        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "a shard did not finish in 5 minutes");
            Assert.True(process.ExitCode is ExitCodes.Ok or ExitCodes.PartialFailure,
                $"exit {process.ExitCode}: {error.Result}{output.Result}");
        }
    }

    private static ShardMergeReport Merge(string outDir, out int exitCode)
    {
        CliResult result = CliRunner.Run("merge-shards", outDir, "--json");
        exitCode = result.ExitCode;
        return JsonDefaults.Deserialize<ShardMergeReport>(result.Output);
    }

    // relative path -> size, modification time and SHA-256 of every file under OUTDIR but the shard records and one folder.
    private static Dictionary<string, string> Snapshot(string outDir, string except) =>
        Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Path.Combine(outDir, ShardRecord.FolderName) + Path.DirectorySeparatorChar) &&
                        !f.StartsWith(except + Path.DirectorySeparatorChar))
            .ToDictionary(f => Path.GetRelativePath(outDir, f), f =>
                $"{new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f).Ticks} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}");
}

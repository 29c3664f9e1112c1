using System.Text.Json;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Inference;

public class SeparateCommandTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    private static readonly string[] Outputs =
        ["layer-1.mp4", "layer-2.mp4", "pair-a.mp4", "pair-b.mp4", "preview.mp4", "contact.png", "summary.json"];

    private CliResult Separate(string outDir, params string[] args) =>
        CliRunner.Run(["separate", .. args, "-o", outDir, "--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2"]);

    [Fact]
    public void Every_output_has_the_inputs_frame_count_size_and_rate()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        CliResult result = Separate(outDir, clips.Testsrc, clips.Mandelbrot);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);

        foreach (string input in new[] { clips.Testsrc, clips.Mandelbrot })
        {
            VideoInfo source = VideoProbe.Probe(input);
            string folder = Path.Combine(outDir, Path.GetFileNameWithoutExtension(input));
            Assert.Equal(Outputs.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());
            foreach (string video in new[] { "layer-1.mp4", "layer-2.mp4", "pair-a.mp4", "pair-b.mp4" })
            {
                VideoInfo layer = VideoProbe.Probe(Path.Combine(folder, video));
                Assert.Equal((source.Frames, source.Width, source.Height), (layer.Frames, layer.Width, layer.Height));
                Assert.Equal(source.Fps, layer.Fps, 3);
            }
            VideoInfo preview = VideoProbe.Probe(Path.Combine(folder, "preview.mp4"));
            Assert.Equal(source.Frames, preview.Frames);
            Assert.Equal(source.Fps, preview.Fps, 3);

            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            Assert.Equal(
                new[] { "input", "frames", "width", "height", "fps", "layers", "pair", "seconds", "frames_per_second", "peak_memory_mb", "ffmpeg_peak_memory_mb", "frames_lost", "input_stamp" },
                summary.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(source.Frames, summary.RootElement.GetProperty("frames").GetInt32());
            Assert.Equal(2, summary.RootElement.GetProperty("layers").GetInt32());
            Assert.True(summary.RootElement.GetProperty("peak_memory_mb").GetDouble() > 0);
            Assert.Contains($"{input} -> ", result.Output);
        }
        Assert.Equal(2, Directory.GetFileSystemEntries(outDir).Length);   // no temporary folders left
    }

    /// <summary>
    /// Issue 30, case 9g: the summary's peak memory was this process's alone (421 MB where the run, with its ffmpeg
    /// processes, peaked at 882 MB). It now names both: this process's, and the ffmpeg processes' (a reader and one
    /// writer per video, side by side), in summary.json and in the line printed for the input.
    /// </summary>
    [SkippableFact]
    public void The_summary_reports_the_peak_memory_of_this_process_and_of_its_ffmpeg_processes()
    {
        Skip.IfNot(File.Exists("/proc/self/status"), "memory is read from /proc");
        using var dir = new TempDir();
        CliResult result = Separate(dir.File("out"), clips.Testsrc);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);

        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(dir.File("out/testsrc/summary.json")));
        double own = summary.RootElement.GetProperty("peak_memory_mb").GetDouble();
        double ffmpeg = summary.RootElement.GetProperty("ffmpeg_peak_memory_mb").GetDouble();
        int writers = summary.RootElement.GetProperty("layers").GetInt32() + 1;   // layer-K.mp4 and preview.mp4
        // Every ffmpeg maps several megabytes of libraries: the writers alone (each one sampled while it ran) exceed this.
        Assert.True(ffmpeg >= 5 * writers, $"ffmpeg_peak_memory_mb = {ffmpeg} for {writers} writers and a reader");
        Assert.True(own > 0);
        Assert.Contains($"peak memory {own:F0} MB + {ffmpeg:F0} MB in ffmpeg", result.Output);
    }

    /// <summary>
    /// Issue 30, case 9d: a warning about an output named the file inside the hidden temporary folder
    /// (OUTDIR/.odd.tmp-XXXX/layer-1.mp4), a name that is gone once the run ends. It names the output the user gets.
    /// </summary>
    [Fact]
    public void Warnings_name_the_output_files_not_the_temporary_folder_they_are_written_in()
    {
        using var dir = new TempDir();
        string odd = dir.File("odd.mkv");   // 65x49: the layers are padded to 66x50 for H.264, with a warning per video
        var start = new System.Diagnostics.ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=66x50:rate=12",
                     "-vf", "format=yuv444p,crop=65:49:0:0", "-frames:v", "10", "-c:v", "ffv1", "-y", odd })
            start.ArgumentList.Add(arg);
        using (var ffmpeg = System.Diagnostics.Process.Start(start)!)
        {
            string why = ffmpeg.StandardError.ReadToEnd();
            ffmpeg.WaitForExit();
            Assert.True(ffmpeg.ExitCode == 0, why);
        }
        string outDir = dir.File("out");
        CliResult result = Separate(outDir, odd);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);

        string[] warnings = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("warning")).ToArray();
        Assert.Equal(
            [$"centrifuge: warning: {Path.Combine(outDir, "odd", "layer-1.mp4")}: 65x49 padded to 66x50 (H.264 yuv420p needs even sizes)",
             $"centrifuge: warning: {Path.Combine(outDir, "odd", "layer-2.mp4")}: 65x49 padded to 66x50 (H.264 yuv420p needs even sizes)"],
            warnings.Select(w => w.TrimEnd()));
        Assert.DoesNotContain(".tmp-", result.Error + result.Output);
    }

    [Fact]
    public void A_bad_file_among_good_ones_is_reported_and_skipped_and_leaves_nothing()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        string missing = dir.File("missing.mp4");
        CliResult result = Separate(outDir, clips.NotAVideo, clips.Mandelbrot, missing);
        Assert.Equal(ExitCodes.PartialFailure, result.ExitCode);
        string[] errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, errors.Length);
        Assert.Contains(clips.NotAVideo, errors[0]);
        Assert.Contains(missing, errors[1]);
        Assert.Equal(new[] { "mandel" }, Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName));
        Assert.Equal(Outputs.Length, Directory.GetFiles(Path.Combine(outDir, "mandel")).Length);
    }

    [Fact]
    public void An_existing_output_folder_is_refused_without_force_and_replaced_with_it()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        string folder = Path.Combine(outDir, "mandel");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "mine.txt"), "keep me");

        CliResult refused = Separate(outDir, clips.Mandelbrot);
        Assert.Equal(ExitCodes.OutputExists, refused.ExitCode);
        Assert.Contains("--force", refused.Error);
        Assert.Equal(new[] { "mine.txt" }, Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Single(Directory.GetFileSystemEntries(outDir));

        CliResult forced = Separate(outDir, clips.Mandelbrot, "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(Outputs.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Single(Directory.GetFileSystemEntries(outDir));
    }

    [Fact]
    public void Output_size_is_separate_from_processing_size()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        CliResult result = CliRunner.Run("separate", clips.Mandelbrot, "-o", outDir, "--model", clips.TinyModel,
            "--size", "24", "--output-size", "60", "--window", "6", "--overlap", "3", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        VideoInfo layer = VideoProbe.Probe(Path.Combine(outDir, "mandel", "layer-1.mp4"));
        Assert.Equal((100, 60, 13), (layer.Width, layer.Height, layer.Frames));
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement item = json.RootElement[0];
        Assert.True(item.GetProperty("ok").GetBoolean());
        Assert.Equal(100, item.GetProperty("summary").GetProperty("width").GetInt32());
    }

    [Fact]
    public void Threads_option_sets_libtorchs_thread_count_and_its_absence_the_default()
    {
        using var dir = new TempDir();
        string[] args = ["separate", clips.Mandelbrot, "--model", clips.TinyModel, "--size", "24", "--window", "6", "--overlap", "3", "--json"];
        CliResult one = CliRunner.Run([.. args, "-o", dir.File("one"), "--threads", "1"]);
        Assert.True(one.ExitCode == 0, one.Error);
        Assert.Equal(1, TorchSharp.torch.get_num_threads());
        CliResult byDefault = CliRunner.Run([.. args, "-o", dir.File("default")]);
        Assert.True(byDefault.ExitCode == 0, byDefault.Error);
        Assert.Equal(Centrifuge.Runtime.TorchRuntime.DefaultThreads, TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public void Blend_writes_the_papers_loss_and_scores_against_the_two_originals()
    {
        using var dir = new TempDir();
        string outDir = dir.File("out");
        CliResult result = CliRunner.Run("separate", "-o", outDir, "--model", clips.TinyModel, "--size", "32",
            "--window", "8", "--overlap", "2", "--blend", clips.BlendA, clips.BlendB, "--alpha", "0.3");
        Assert.True(result.ExitCode == 0, result.Error);
        string folder = Path.Combine(outDir, "testsrc+mandel-blend");
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        JsonElement metrics = summary.RootElement.GetProperty("metrics");
        Assert.Equal(0.3, metrics.GetProperty("alpha").GetDouble());
        foreach (string key in new[] { "loss", "psnr", "ssim", "psnri" })
            Assert.True(double.IsFinite(metrics.GetProperty(key).GetDouble()), key);
        Assert.True(metrics.GetProperty("loss").GetDouble() > 0);
        VideoInfo layer = VideoProbe.Probe(Path.Combine(folder, "layer-2.mp4"));
        Assert.Equal((64, 48, 30), (layer.Width, layer.Height, layer.Frames));
    }

    [SkippableFact]
    public void Without_a_model_and_without_the_shipped_one_it_fails_in_one_line()
    {
        Skip.If(Environment.GetEnvironmentVariable(ShippedModel.EnvironmentVariable) is not null, "CENTRIFUGE_MODEL is set");
        Skip.If(File.Exists(Path.Combine(Repo.Root, ShippedModel.RelativePath)), "the shipped model exists");
        using var dir = new TempDir();
        CliResult result = CliRunner.Run("separate", clips.Mandelbrot, "-o", dir.File("out"));
        Assert.Equal(ExitCodes.Environment, result.ExitCode);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(ShippedModel.RelativePath, result.Error);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}

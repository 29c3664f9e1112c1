using System.CommandLine;
using System.Diagnostics;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Bench;

/// <summary>
/// `separate`: end-to-end separation speed (decode, model, cross-fade, scale, encode) at processing short sides 112
/// and 224, split into model time and the rest; the paper's clip (64 x 224 x 224) forward time; and, with --input,
/// one separation of a given file reporting peak resident memory (run once per length, each in its own process).
/// Weights are untrained (speed and memory do not depend on them).
/// </summary>
public static class SeparateBenchmark
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Model preset", DefaultValueFactory = _ => "cpu-small" };
        var sizes = new Option<int[]>("--sizes") { Description = "Processing short sides", DefaultValueFactory = _ => [112, 224], AllowMultipleArgumentsPerToken = true };
        var seconds = new Option<int>("--seconds") { Description = "Length of the generated 480p speed input (25 fps)", DefaultValueFactory = _ => 4 };
        var window = new Option<int>("--window") { DefaultValueFactory = _ => 32 };
        var overlap = new Option<int>("--overlap") { DefaultValueFactory = _ => 8 };
        var precision = new Option<string>("--precision") { DefaultValueFactory = _ => "fp32" };
        var paperClip = new Option<bool>("--paper-clip") { Description = "Also time one 64x224x224 forward (the paper's 0.5 s figure)" };
        var input = new Option<string?>("--input") { Description = "Memory mode: separate this file once at --sizes[0] and print peak RSS" };
        var checkpoint = new Option<string?>("--model") { Description = "A model checkpoint (e.g. the shipped one) instead of an untrained --preset" };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0 = the CLI's default)", DefaultValueFactory = _ => 0 };
        var breakdown = new Option<bool>("--breakdown") { Description = "Also time decode, upscale and encode of the same frames on their own" };
        var command = new Command("separate", "Separation frames/s at short side 112 and 224, where the time goes, and peak memory vs video length");
        foreach (Option o in new Option[] { preset, sizes, seconds, window, overlap, precision, paperClip, input, checkpoint, threads, breakdown }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            TorchRuntime.SetThreads(parse.GetValue(threads));
            Console.WriteLine($"machine: {Measure.MachineLine()}, libtorch threads {torch.get_num_threads()}, malloc {TorchRuntime.Allocator}");
            Console.WriteLine($"before: {Measure.LoadLine()}");
            Console.WriteLine($"conv3d peak (3x3x3, 64->64, 16x56x56): fp32 {ConvPeakBenchmark.PeakGflops(ScalarType.Float32, 3, out _):F0} GFLOP/s, " +
                              $"bf16 {ConvPeakBenchmark.PeakGflops(ScalarType.BFloat16, 3, out _):F0} GFLOP/s");
            torch.manual_seed(0);
            using CentrifugeModel model = CentrifugeModel.Create(ModelPresets.Get(parse.GetValue(preset)!));
            Precision parsed = Precisions.Parse(parse.GetValue(precision)!);
            using InferenceModel runner = parse.GetValue(checkpoint) is { } ckpt
                ? InferenceModel.Load(ckpt, precision: parsed)
                : new InferenceModel(model, parsed);
            Console.WriteLine($"model: {(parse.GetValue(checkpoint) ?? "untrained " + parse.GetValue(preset))}");
            int t = parse.GetValue(window), o = parse.GetValue(overlap);
            string work = Directory.CreateTempSubdirectory("centrifuge-bench-separate-").FullName;
            try
            {
                if (parse.GetValue(input) is string file)
                {
                    Memory(runner, file, parse.GetValue(sizes)![0], t, o, work);
                    return 0;
                }
                string clip = Path.Combine(work, "input-480p.mp4");
                Generate(clip, parse.GetValue(seconds));
                Console.WriteLine($"input: testsrc2 854x480, 25 fps, {parse.GetValue(seconds)} s; window {t}, overlap {o}, {parse.GetValue(precision)}");
                Console.WriteLine("| short side | processing size | frames | end-to-end frames/s | model frames/s | model share of wall time | CPU s per frame (incl. ffmpeg) | frames/s if 2 cores were free |");
                Console.WriteLine("|---|---|---|---|---|---|---|---|");
                foreach (int size in parse.GetValue(sizes)!) Speed(runner, clip, size, t, o, work);
                if (parse.GetValue(breakdown))
                {
                    Console.WriteLine();
                    Console.WriteLine("Stages on their own, same input and sizes (seconds; the separation overlaps decode and encode with the model):");
                    Console.WriteLine("| short side | decode + downscale | write 2 layers at 854x480 + preview: torch upscale + RGB bytes + encode | the same with ffmpeg's scaler: RGB bytes + scale and encode (now) | model (in the run above) |");
                    Console.WriteLine("|---|---|---|---|---|");
                    foreach (int size in parse.GetValue(sizes)!) Breakdown(clip, size, work, _modelSeconds[size]);
                }
                if (parse.GetValue(paperClip)) PaperClip(runner);
                Console.WriteLine($"after: {Measure.LoadLine()}");
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
            return 0;
        });
        return command;
    }

    private static void Speed(InferenceModel runner, string clip, int size, int t, int o, string work)
    {
        double modelSeconds = 0;
        Tensor Timed(Tensor x)
        {
            long start = Stopwatch.GetTimestamp();
            Tensor y = runner.Separate(x);
            modelSeconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
            return y;
        }
        var options = new SeparationOptions { ProcessingShortSide = size, WindowFrames = t, OverlapFrames = o, Force = true };
        double cpuBefore = CpuSeconds();
        SeparationResult r = new Separator(Timed, options).Separate(clip, Path.Combine(work, $"out-{size}"));
        double cpuPerFrame = (CpuSeconds() - cpuBefore) / r.Summary.Frames;
        int frames = r.Summary.Frames;
        _modelSeconds[size] = modelSeconds;
        // Model frames/s counts output frames (the overlaps are processed twice, so the model sees more).
        Console.WriteLine($"| {size} | {Math.Round(854.0 * size / 480)}x{size} | {frames} | {r.Summary.FramesPerSecond:F2} | " +
                          $"{frames / modelSeconds:F2} | {modelSeconds / r.Summary.Seconds:P0} | {cpuPerFrame:F2} | " +
                          $"{Math.Min(Environment.ProcessorCount, 2) / cpuPerFrame:F2} |");
    }

    private static readonly Dictionary<int, double> _modelSeconds = [];

    // The non-model stages of a separation, each timed alone on the same frames: decode at processing size, then the
    // two ways of writing two layers at the input size plus a preview: torch bilinear upscale, full-size RGB bytes and
    // H.264 encode (before issue 18's last change), or processing-size RGB bytes and H.264 encode with ffmpeg's scaler
    // (what the separation does now).
    private static void Breakdown(string clip, int size, string work, double modelSeconds)
    {
        var frames = new List<Tensor>();
        var clock = Stopwatch.StartNew();
        using (var reader = Centrifuge.Video.VideoReader.Open(clip, new Centrifuge.Video.VideoReadOptions { ShortSide = size }))
            foreach (var chunk in reader.ReadChunks(8)) frames.Add(Centrifuge.Video.FrameTensors.ToTensor(chunk));   // [3, f, h, w]
        double decode = clock.Elapsed.TotalSeconds;
        long ph = frames[0].shape[2], pw = frames[0].shape[3];

        var upscaled = new List<Tensor>();
        clock.Restart();
        foreach (Tensor f in frames)
        {
            using var scope = torch.NewDisposeScope();
            Tensor layers = torch.stack([f, f]);                                                       // [2, 3, f, h, w]
            long n = layers.shape[0], count = layers.shape[2], h = layers.shape[3], w = layers.shape[4];
            Tensor flat = layers.permute(0, 2, 1, 3, 4).reshape(n * count, 3, h, w);
            Tensor up = nn.functional.interpolate(flat, new long[] { 480, 854 }, mode: InterpolationMode.Bilinear, align_corners: false);
            upscaled.Add(up.reshape(n, count, 3, 480, 854).permute(0, 2, 1, 3, 4).contiguous().MoveToOuterDisposeScope());
        }
        double upscale = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var fullBytes = upscaled.Select(u => (Centrifuge.Video.FrameTensors.FromTensor(u[0]), Centrifuge.Video.FrameTensors.FromTensor(u[1]))).ToList();
        double toFullBytes = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var smallBytes = frames.Select(f => Centrifuge.Video.FrameTensors.FromTensor(f)).ToList();
        double toSmallBytes = clock.Elapsed.TotalSeconds;

        var previewBytes = frames.Select(f =>
        {
            using var scope = torch.NewDisposeScope();
            return Centrifuge.Video.FrameTensors.FromTensor(torch.cat([f, f, f], 3));
        }).ToList();

        var options = new Centrifuge.Video.VideoWriterOptions { Crf = 18, Preset = "veryfast", Force = true };
        double Encode(string name, int width, int height, Centrifuge.Video.VideoWriterOptions layerOptions, IReadOnlyList<Centrifuge.Video.FrameChunk> a,
            IReadOnlyList<Centrifuge.Video.FrameChunk> b)
        {
            var watch = Stopwatch.StartNew();
            using var writerA = Centrifuge.Video.VideoWriter.Create(Path.Combine(work, $"{name}-a-{size}.mp4"), width, height, 25, layerOptions);
            using var writerB = Centrifuge.Video.VideoWriter.Create(Path.Combine(work, $"{name}-b-{size}.mp4"), width, height, 25, layerOptions);
            using var preview = Centrifuge.Video.VideoWriter.Create(Path.Combine(work, $"{name}-p-{size}.mp4"), (int)pw * 3, (int)ph, 25, options);
            for (int i = 0; i < a.Count; i++)
            {
                writerA.Write(a[i]);
                writerB.Write(b[i]);
                preview.Write(previewBytes[i]);
            }
            writerA.Complete();
            writerB.Complete();
            preview.Complete();
            return watch.Elapsed.TotalSeconds;
        }
        double encodeFull = Encode("torch", 854, 480, options, fullBytes.Select(p => p.Item1).ToList(), fullBytes.Select(p => p.Item2).ToList());
        double encodeScaled = Encode("ffmpeg", (int)pw, (int)ph, options with { ScaleTo = (854, 480) }, smallBytes, smallBytes);
        foreach (Tensor t in frames.Concat(upscaled)) t.Dispose();
        Console.WriteLine($"| {size} | {decode:F2} | {upscale:F2} + {toFullBytes:F2} + {encodeFull:F2} = {upscale + toFullBytes + encodeFull:F2} | " +
                          $"{toSmallBytes:F2} + {encodeScaled:F2} = {toSmallBytes + encodeScaled:F2} | {modelSeconds:F2} |");
    }

    private static void PaperClip(InferenceModel runner)
    {
        using var x = torch.rand(new long[] { 1, 3, 64, 224, 224 }) * 2 - 1;
        double s = Measure.MedianSeconds(() =>
        {
            using var scope = torch.NewDisposeScope();
            runner.Separate(x);
        }, repeats: 3);
        Console.WriteLine($"one 64x224x224 clip forward: {s:F2} s median of 3 (paper: ~0.5 s on an NVIDIA P4000)");
    }

    private static void Memory(InferenceModel runner, string file, int size, int t, int o, string work)
    {
        var options = new SeparationOptions { ProcessingShortSide = size, WindowFrames = t, OverlapFrames = o, Force = true };
        double before = ProcessMemory.CurrentMegabytes(), cpuBefore = CpuSeconds();
        SeparationResult r = new Separator(runner.Separate, options).Separate(file, Path.Combine(work, "out"));
        double cpuPerFrame = (CpuSeconds() - cpuBefore) / r.Summary.Frames;
        Console.WriteLine("| input | frames | size | short side | seconds | frames/s | CPU s per frame | RSS before MiB | peak RSS MiB | max frames buffered |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {Path.GetFileName(file)} | {r.Summary.Frames} | {r.Summary.Width}x{r.Summary.Height} | {size} | {r.Summary.Seconds:F1} | " +
                          $"{r.Summary.FramesPerSecond:F2} | {cpuPerFrame:F2} | {before:F0} | {r.Summary.PeakMemoryMb:F0} | {r.Stats.MaxBufferedFrames} |");
    }

    private static void Generate(string path, int seconds)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", $"testsrc2=size=854x480:rate=25:duration={seconds}",
                     "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-y", path })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException("ffmpeg: " + error);
    }

    // CPU seconds of this process and its finished children (the ffmpeg decoder and encoders): /proc/self/stat
    // utime + stime + cutime + cstime, in clock ticks of 1/100 s.
    private static double CpuSeconds()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}

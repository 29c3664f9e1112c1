using System.CommandLine;
using System.Diagnostics;
using Centrifuge.Models;
using Centrifuge.Training;
using TorchSharp;

namespace Centrifuge.Bench;

/// <summary>
/// Training loop health: median step time (forward, PIT loss, backward, optimizer step) per preset and clip size,
/// resident memory / live libtorch tensors sampled over the run (memory must stay flat), and, with
/// <c>--precision both</c>, fp32 against bf16 back to back on the same seeded batches: steps/s and the loss curves.
/// </summary>
public static class TrainingBenchmark
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Training preset", DefaultValueFactory = _ => "tiny" };
        var config = new Option<string[]>("--config") { Description = "A training config JSON instead of a preset (e.g. configs/cpu-small-default.json); repeat to layer patches" };
        var data = new Option<string>("--data") { Description = $"Training data (default {TrainingConfig.SyntheticShapes})", DefaultValueFactory = _ => TrainingConfig.SyntheticShapes };
        var cache = new Option<string?>("--cache") { Description = "Clip cache folder for video data" };
        var iterations = new Option<int>("--iterations") { Description = "Steps to run (per precision)", DefaultValueFactory = _ => 2000 };
        var clip = new Option<string?>("--clip") { Description = "Clip T,H,W (default: the preset's)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default: the preset's)" };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0 = the CLI's default)", DefaultValueFactory = _ => 0 };
        var precision = new Option<string>("--precision") { Description = "fp32, bf16, or both (back to back, same batches)", DefaultValueFactory = _ => "fp32" };
        precision.AcceptOnlyFromAmong("fp32", "bf16", "both");
        var window = new Option<int>("--loss-window") { Description = "Steps per row of the loss comparison", DefaultValueFactory = _ => 25 };
        var samples = new Option<int>("--samples") { Description = "Memory samples over the run", DefaultValueFactory = _ => 10 };
        var command = new Command("training", "Step time, memory flatness and fp32-vs-bf16 loss curves of the training loop");
        foreach (Option o in new Option[] { preset, config, data, cache, iterations, clip, batch, threads, precision, window, samples }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            Centrifuge.Runtime.KernelGuard.Workload = Centrifuge.Runtime.KernelWorkload.Training;   // as `train` runs
            string source = parse.GetValue(data)!;
            var overrides = new TrainingOverrides
            {
                Sources = [source == TrainingConfig.SyntheticShapes ? source : Path.GetFullPath(source)],
                Cache = parse.GetValue(cache) is { } c ? Path.GetFullPath(c) : null,
                Iterations = parse.GetValue(iterations),
                Clip = parse.GetValue(clip) is { } text ? ClipSize.Parse(text) : null,
                BatchSize = parse.GetValue(batch),
                Threads = parse.GetValue(threads),
                ValidationEvery = int.MaxValue,
                CheckpointEvery = int.MaxValue,
            };
            TrainingConfig baseConfig = parse.GetValue(config) is { Length: > 0 } files ? TrainingConfig.Load(files) : TrainingPresets.Get(parse.GetValue(preset)!);
            // One log row per step, so the loss curves can be compared step by step.
            TrainingConfig run = overrides.ApplyTo(baseConfig) with { ValidateAtStart = false, LogEvery = 1 };
            Console.WriteLine($"machine: {Measure.MachineLine()}, malloc {Centrifuge.Runtime.TorchRuntime.Allocator}");
            Console.WriteLine($"before: {Measure.LoadLine()}");
            Centrifuge.Runtime.TorchRuntime.SetThreads(run.Threads);
            Console.WriteLine($"conv3d peak (3x3x3, 64->64, 16x56x56), {TorchSharp.torch.get_num_threads()} threads: " +
                              $"fp32 {ConvPeakBenchmark.PeakGflops(TorchSharp.torch.ScalarType.Float32, 3, out _):F0} GFLOP/s, " +
                              $"bf16 {ConvPeakBenchmark.PeakGflops(TorchSharp.torch.ScalarType.BFloat16, 3, out _):F0} GFLOP/s");
            Precision[] precisions = parse.GetValue(precision) switch
            {
                "both" => [Precision.Fp32, Precision.Bf16],
                "bf16" => [Precision.Bf16],
                _ => [Precision.Fp32],
            };
            var results = precisions.Select(p => Run(run with { Precision = p }, parse.GetValue(samples))).ToList();
            if (results.Count == 2) Compare(results[0], results[1], parse.GetValue(window));
            Console.WriteLine($"after: {Measure.LoadLine()}");
            return 0;
        });
        return command;
    }

    private sealed record RunResult(Precision Precision, double MedianStep, double[] Losses, double Seconds);

    private static RunResult Run(TrainingConfig config, int samples)
    {
        string folder = Directory.CreateTempSubdirectory("centrifuge-bench-training-").FullName;
        try
        {
            long every = Math.Max(1, config.Iterations / samples);
            var rows = new List<(long It, double Rss, long Live)>();
            var stepSeconds = new List<double>();
            var losses = new List<double>();
            using var process = Process.GetCurrentProcess();
            long last = 0;
            IRunEvents events = RunEvents.Of(e =>
            {
                if (e is TrainingStart) last = Stopwatch.GetTimestamp();
                if (e is not TrainingProgress p) return;
                long now = Stopwatch.GetTimestamp();
                stepSeconds.Add(Stopwatch.GetElapsedTime(last, now).TotalSeconds);
                losses.Add(p.Loss);
                last = now;
                if (p.Iteration % every != 0 && p.Iteration != 1) return;
                process.Refresh();
                rows.Add((p.Iteration, process.WorkingSet64 / 1048576.0, DisposeScopeManager.Statistics.ThreadTotalLiveCount));
            });
            long start = Stopwatch.GetTimestamp();
            Trainer.Run(config, RunFolder.Open(folder, false, true), false, events: events);
            double total = Stopwatch.GetElapsedTime(start).TotalSeconds;

            var d = config.Data;
            Console.WriteLine();
            Console.WriteLine($"## {config.Precision.ToString().ToLowerInvariant()}");
            Console.WriteLine($"config: model {JsonDefaults.Serialize(config.Model).ReplaceLineEndings(" ")}");
            Console.WriteLine($"clip {d.Frames}x{d.Height}x{d.Width}, batch {d.BatchSize}, {config.Optimizer}, threads {config.Threads}, " +
                              $"precision {config.Precision}, {config.Iterations} steps in {total:F1} s");
            double median = Median(stepSeconds.Skip(Math.Min(10, stepSeconds.Count / 5)));
            Console.WriteLine($"median step {median * 1000:F1} ms ({1 / median:F2} it/s); {Measure.LoadLine()}");
            Console.WriteLine();
            Console.WriteLine("| iteration | RSS MB | live tensors |");
            Console.WriteLine("|---|---|---|");
            foreach (var (it, rss, live) in rows) Console.WriteLine($"| {it} | {rss:F0} | {live} |");
            var steady = rows.Where(r => r.It >= every).ToList();
            if (steady.Count >= 2)
                Console.WriteLine($"\nRSS from iteration {steady[0].It} to {steady[^1].It}: {steady[^1].Rss - steady[0].Rss:+0;-0} MB " +
                                  $"(min {steady.Min(r => r.Rss):F0}, max {steady.Max(r => r.Rss):F0}); live tensors {steady[0].Live} -> {steady[^1].Live}");
            return new RunResult(config.Precision, median, [.. losses], total);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // The two runs saw the same batches (a pure function of seed and step) from the same initial weights.
    private static void Compare(RunResult fp32, RunResult bf16, int window)
    {
        Console.WriteLine();
        Console.WriteLine($"## fp32 vs bf16: median step {fp32.MedianStep * 1000:F1} vs {bf16.MedianStep * 1000:F1} ms, " +
                          $"bf16 {fp32.MedianStep / bf16.MedianStep:F2}x steps/s (wall {fp32.Seconds:F0} vs {bf16.Seconds:F0} s)");
        Console.WriteLine();
        Console.WriteLine("| steps | fp32 mean loss | bf16 mean loss | bf16 / fp32 |");
        Console.WriteLine("|---|---|---|---|");
        int n = Math.Min(fp32.Losses.Length, bf16.Losses.Length);
        for (int from = 0; from < n; from += window)
        {
            int to = Math.Min(n, from + window);
            double a = fp32.Losses[from..to].Average(), b = bf16.Losses[from..to].Average();
            Console.WriteLine($"| {from + 1}-{to} | {a:F4} | {b:F4} | {b / a:F3} |");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}

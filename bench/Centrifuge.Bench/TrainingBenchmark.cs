using System.CommandLine;
using System.Diagnostics;
using Centrifuge.Training;
using TorchSharp;

namespace Centrifuge.Bench;

/// <summary>
/// Training loop health: median step time (forward, PIT loss, backward, optimizer step) per preset and clip size,
/// and resident memory / live libtorch tensors sampled over the run, to show memory stays flat.
/// </summary>
public static class TrainingBenchmark
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "Training preset", DefaultValueFactory = _ => "tiny" };
        var iterations = new Option<int>("--iterations") { Description = "Steps to run", DefaultValueFactory = _ => 2000 };
        var clip = new Option<string?>("--clip") { Description = "Clip T,H,W (default: the preset's)" };
        var batch = new Option<int?>("--batch") { Description = "Batch size (default: the preset's)" };
        var threads = new Option<int>("--threads") { Description = "libtorch threads", DefaultValueFactory = _ => 1 };
        var samples = new Option<int>("--samples") { Description = "Memory samples over the run", DefaultValueFactory = _ => 10 };
        var command = new Command("training", "Step time and memory flatness of the training loop on synthetic moving shapes");
        foreach (Option o in new Option[] { preset, iterations, clip, batch, threads, samples }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var overrides = new TrainingOverrides
            {
                Sources = [TrainingConfig.SyntheticShapes],
                Iterations = parse.GetValue(iterations),
                Clip = parse.GetValue(clip) is { } c ? TrainingOverrides.ParseClip(c) : null,
                BatchSize = parse.GetValue(batch),
                Threads = parse.GetValue(threads),
                ValidationEvery = int.MaxValue,
                CheckpointEvery = int.MaxValue,
            };
            TrainingConfig config = overrides.ApplyTo(TrainingPresets.Get(parse.GetValue(preset)!)) with { ValidateAtStart = false };
            Run(config, parse.GetValue(samples));
            return 0;
        });
        return command;
    }

    private static void Run(TrainingConfig config, int samples)
    {
        string folder = Directory.CreateTempSubdirectory("centrifuge-bench-training-").FullName;
        try
        {
            long every = Math.Max(1, config.Iterations / samples);
            var rows = new List<(long It, double Rss, long Live)>();
            var stepSeconds = new List<double>();
            using var process = Process.GetCurrentProcess();
            long last = Stopwatch.GetTimestamp();
            var observer = new Observer(p =>
            {
                long now = Stopwatch.GetTimestamp();
                stepSeconds.Add(Stopwatch.GetElapsedTime(last, now).TotalSeconds);
                last = now;
                if (p.Iteration % every != 0 && p.Iteration != 1) return;
                process.Refresh();
                rows.Add((p.Iteration, process.WorkingSet64 / 1048576.0, DisposeScopeManager.Statistics.ThreadTotalLiveCount));
            });
            long start = Stopwatch.GetTimestamp();
            Trainer.Run(config, RunFolder.Open(folder, false, true), false, observer: observer);
            double total = Stopwatch.GetElapsedTime(start).TotalSeconds;

            var d = config.Data;
            Console.WriteLine($"machine: {Measure.MachineLine()}");
            Console.WriteLine($"config: model {JsonDefaults.Serialize(config.Model).ReplaceLineEndings(" ")}");
            Console.WriteLine($"clip {d.Frames}x{d.Height}x{d.Width}, batch {d.BatchSize}, {config.Optimizer}, threads {config.Threads}, {config.Iterations} steps in {total:F1} s");
            double[] sorted = [.. stepSeconds.Skip(10).Order()];
            Console.WriteLine($"median step {sorted[sorted.Length / 2] * 1000:F1} ms ({1 / sorted[sorted.Length / 2]:F1} it/s)");
            Console.WriteLine();
            Console.WriteLine("| iteration | RSS MB | live tensors |");
            Console.WriteLine("|---|---|---|");
            foreach (var (it, rss, live) in rows) Console.WriteLine($"| {it} | {rss:F0} | {live} |");
            var steady = rows.Where(r => r.It >= every).ToList();
            if (steady.Count >= 2)
                Console.WriteLine($"\nRSS from iteration {steady[0].It} to {steady[^1].It}: {steady[^1].Rss - steady[0].Rss:+0;-0} MB " +
                                  $"(min {steady.Min(r => r.Rss):F0}, max {steady.Max(r => r.Rss):F0}); live tensors {steady[0].Live} -> {steady[^1].Live}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class Observer(Action<TrainingProgress> stepped) : ITrainingObserver
    {
        public void Started(TrainingStart start) { }
        public void Stepped(TrainingProgress progress) => stepped(progress);
        public void Validated(ValidationResult result, bool best) { }
        public void Note(string message) { }
    }
}

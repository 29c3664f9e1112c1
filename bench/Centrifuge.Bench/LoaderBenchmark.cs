using System.CommandLine;
using System.Diagnostics;
using Centrifuge.Data;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Bench;

/// <summary>
/// Training-data throughput: batches/s of the cached loader (memory-mapped clips) and of the direct loader (ffmpeg
/// decoding per layer), for 16 and 32 x 112 x 112 clips, against the time of one training step of a plain small
/// 3D conv net (forward, L1 loss, backward, Adam) on the same batch.
/// </summary>
public static class LoaderBenchmark
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Sources (default: the sample manifest, data/samples/manifest.json)" };
        var cache = new Option<string?>("--cache") { Description = "Clip cache to use or build (default: data/cache/bench-<short side>)" };
        var batch = new Option<int>("--batch") { Description = "Clips per batch", DefaultValueFactory = _ => 4 };
        var batches = new Option<int>("--batches") { Description = "Batches timed from the cache", DefaultValueFactory = _ => 20 };
        var direct = new Option<int>("--direct-batches") { Description = "Batches timed straight from the video files", DefaultValueFactory = _ => 3 };
        var workers = new Option<int>("--workers") { Description = "Loader workers", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads", DefaultValueFactory = _ => 2 };
        var steps = new Option<int>("--steps") { Description = "Timed training steps of the reference net", DefaultValueFactory = _ => 3 };
        var command = new Command("loader", "Batches/s from the clip cache and from video files, against a training step");
        foreach (Option o in new Option[] { data, cache, batch, batches, direct, workers, threads, steps }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            TorchRuntime.SetThreads(parse.GetValue(threads));
            string source = parse.GetValue(data) ?? Path.Combine(
                Environment.GetEnvironmentVariable("CENTRIFUGE_SAMPLES") ?? Path.Combine(RepoRoot(), "data", "samples"), "manifest.json");
            var config = new DataConfig { Sources = [source], BatchSize = parse.GetValue(batch), Workers = parse.GetValue(workers), ValidationFraction = 0, Seed = 1 };
            string cacheDir = parse.GetValue(cache) ?? Path.Combine(RepoRoot(), "data", "cache", $"bench-{config.ShortSide}");
            Console.WriteLine($"machine: {Measure.MachineLine()}; libtorch threads {parse.GetValue(threads)}");
            var clock = Stopwatch.StartNew();
            PrepareReport prep = ClipCacheBuilder.Prepare(SourceCatalog.Discover(config), cacheDir, new PrepareOptions { ShortSide = config.ShortSide }, VideoSourceDecoder.Instance);
            Console.WriteLine($"cache: {prep.Cache}: {prep.Decoded} decoded, {prep.Reused} reused, {prep.Skipped} skipped, {prep.CachedFrames} frames, " +
                              $"{prep.CacheBytes / 1e6:F0} MB, prepared in {clock.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine();
            Console.WriteLine("| clip | batch | source | workers | ms/batch | batches/s | train step ms (plain 3D conv net) | step / batch |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (int frames in new[] { 16, 32 })
            {
                DataConfig c = config with { Frames = frames };
                double step = StepSeconds(c, parse.GetValue(steps));
                using (TrainingData cached = TrainingData.Open(c with { Cache = cacheDir }))
                {
                    double s = LoaderSeconds(cached.Train, c, parse.GetValue(batches));
                    Row(c, "cache", c.Workers, s, step);
                    long next = 1000;
                    double single = Measure.MedianSeconds(() => BlendLoader.GetBatch(cached.Train, c, next++).Dispose(), 5);
                    Row(c, "cache, caller thread", 0, single, step);
                }
                using (TrainingData files = TrainingData.Open(c))
                {
                    int n = parse.GetValue(direct);
                    long i = 0;
                    double s = Measure.MedianSeconds(() => BlendLoader.GetBatch(files.Train, c, i++).Dispose(), n);
                    Row(c, "video files, caller thread", 0, s, step);
                }
            }
            return 0;
        });
        return command;
    }

    private static void Row(DataConfig c, string source, int workers, double seconds, double step) =>
        Console.WriteLine($"| {c.Frames}x{c.Height}x{c.Width} | {c.BatchSize} | {source} | {(workers == 0 ? "-" : workers)} | " +
                          $"{seconds * 1000:F0} | {1 / seconds:F2} | {step * 1000:F0} | {step / seconds:F1}x |");

    // Throughput of the background loader when the consumer takes batches as fast as they come: the clock runs from
    // the loader's start (nothing pre-built), after one warm-up batch on the caller thread (JIT, page cache).
    private static double LoaderSeconds(ClipPool pool, DataConfig config, int batches)
    {
        BlendLoader.GetBatch(pool, config, -1).Dispose();
        var clock = Stopwatch.StartNew();
        using var loader = new BlendLoader(pool, config);
        for (int i = 0; i < batches; i++) loader.Next().Dispose();
        return clock.Elapsed.TotalSeconds / batches;
    }

    // One optimiser step of a small 3D conv encoder-decoder (3 -> 2 x 3 channels) with an L1 loss on the batch's shape.
    private static double StepSeconds(DataConfig c, int repeats)
    {
        var net = nn.Sequential(
            nn.Conv3d(3, 32, (3, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1)), nn.ReLU(),
            nn.Conv3d(32, 64, 3, stride: 2, padding: 1), nn.ReLU(),
            nn.Conv3d(64, 128, 3, stride: 2, padding: 1), nn.ReLU(),
            nn.ConvTranspose3d(128, 64, 4, stride: 2, padding: 1), nn.ReLU(),
            nn.ConvTranspose3d(64, 32, 4, stride: 2, padding: 1), nn.ReLU(),
            nn.ConvTranspose3d(32, 6, (3, 4, 4), stride: (1, 2, 2), padding: (1, 1, 1)));
        var optimizer = optim.Adam(net.parameters(), 1e-3);
        using Tensor x = torch.rand(new long[] { c.BatchSize, 3, c.Frames, c.Height, c.Width }) * 2 - 1;
        using Tensor y = torch.rand(new long[] { c.BatchSize, 6, c.Frames, c.Height, c.Width }) * 2 - 1;
        return Measure.MedianSeconds(() =>
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = (net.call(x) - y).abs().mean();
            loss.backward();
            optimizer.step();
        }, repeats);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Centrifuge.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

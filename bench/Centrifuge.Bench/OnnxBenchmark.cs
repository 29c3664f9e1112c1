using System.CommandLine;
using Centrifuge.Export;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Bench;

/// <summary>
/// `onnx`: the same model on the same real clip, forward in libtorch (TorchSharp, fp32, eval, no_grad) and in
/// OnnxRuntime's CPU provider (the file `centrifuge export` writes), with the same thread count. The two are timed
/// in interleaved rounds (one run of each per round) so they see the same load on a shared machine; the minimum and
/// the median over rounds are reported, with the load average before and after and the largest output difference.
/// </summary>
public static class OnnxBenchmark
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Checkpoint (default: the shipped model)" };
        var input = new Option<string?>("--input") { Description = "Video to take the clip from (default: data/samples/python3-imageio/realshort.mp4)" };
        var frames = new Option<int>("--frames") { Description = "T of the clip (a separation window)", DefaultValueFactory = _ => 32 };
        var sizes = new Option<int[]>("--sizes") { Description = "Processing short sides", DefaultValueFactory = _ => [112], AllowMultipleArgumentsPerToken = true };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds (after one warm-up round)", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "Threads of both runtimes (libtorch intra-op, OnnxRuntime intra-op)", DefaultValueFactory = _ => 2 };
        var command = new Command("onnx", "libtorch vs OnnxRuntime CPU: forward time of the exported model on one real clip");
        foreach (Option o in new Option[] { model, input, frames, sizes, rounds, threads }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            int n = parse.GetValue(threads);
            TorchRuntime.SetThreads(n);
            string checkpoint = parse.GetValue(model) ?? ShippedModel.Resolve();
            string video = parse.GetValue(input) ?? Path.Combine("data", "samples", "python3-imageio", "realshort.mp4");
            string work = Directory.CreateTempSubdirectory("centrifuge-bench-onnx-").FullName;
            try
            {
                using CentrifugeModel loaded = ModelCheckpoint.Load(checkpoint);
                loaded.eval();
                string onnx = Path.Combine(work, "model.onnx");
                OnnxExporter.Write(loaded, onnx);
                using var torchRunner = new InferenceModel(loaded);
                using OnnxLayersSession session = OnnxLayersSession.Load(onnx, n);
                Console.WriteLine($"machine: {Measure.MachineLine()}, OnnxRuntime {OnnxRuntimeVersion()}, threads {n} (both), load average {Measure.LoadAverage()} before");
                Console.WriteLine($"model: {checkpoint}; clip: {Path.GetFileName(video)}");
                Console.WriteLine("| clip (T x H x W) | libtorch min s | libtorch median s | OnnxRuntime min s | OnnxRuntime median s | OnnxRuntime / libtorch (min) | max abs difference | load average after |");
                Console.WriteLine("|---|---|---|---|---|---|---|---|");
                foreach (int size in parse.GetValue(sizes)!)
                    Row(torchRunner, session, ReadClip(video, parse.GetValue(frames), size), parse.GetValue(rounds));
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
            return 0;
        });
        return command;
    }

    private static void Row(InferenceModel torchRunner, OnnxLayersSession session, Tensor clip, int rounds)
    {
        using (clip)
        {
            var torchTimes = new List<double>();
            var onnxTimes = new List<double>();
            double difference = 0;
            for (int round = 0; round <= rounds; round++)
            {
                using var scope = torch.NewDisposeScope();
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                Tensor expected = torchRunner.Run(clip);
                double torchSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
                start = System.Diagnostics.Stopwatch.GetTimestamp();
                Tensor actual = session.Run(clip);
                double onnxSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (round == 0)
                {
                    difference = (actual - expected).abs().max().item<float>();   // the warm-up round also checks the outputs
                    continue;
                }
                torchTimes.Add(torchSeconds);
                onnxTimes.Add(onnxSeconds);
            }
            double Median(List<double> t) => t.Order().ElementAt(t.Count / 2);
            Console.WriteLine($"| {clip.shape[2]} x {clip.shape[3]} x {clip.shape[4]} | {torchTimes.Min():F3} | {Median(torchTimes):F3} | " +
                              $"{onnxTimes.Min():F3} | {Median(onnxTimes):F3} | {onnxTimes.Min() / torchTimes.Min():F2} | {difference:E1} | {Measure.LoadAverage()} |");
        }
    }

    // [1, 3, T, H, W] in [-1, 1]: the first T frames at short side S, as `separate --size S` feeds one window.
    private static Tensor ReadClip(string path, int frames, int shortSide)
    {
        using var reader = VideoReader.Open(path, new VideoReadOptions { ShortSide = shortSide, MaxFrames = frames });
        FrameChunk chunk = reader.ReadChunk(frames) ?? throw new InvalidOperationException($"{path}: no frames");
        using Tensor video = FrameTensors.ToTensor(chunk);
        return video.unsqueeze(0);
    }

    private static string OnnxRuntimeVersion() =>
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "?";
}

using System.CommandLine;
using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Bench;

/// <summary>
/// The model suite: decoder up-sampling options, forward and forward+backward per clip for each preset, the paper
/// predictor's 64x224x224 forward (the paper: 0.5 s on a P4000), and fp32 vs bf16 inference. Every row gives time,
/// achieved GFLOP/s (2 x multiply-adds / s) and the ratio to the conv3d peak measured in the same run.
/// </summary>
public static class ModelBenchmark
{
    public static Command Create()
    {
        var parts = new Option<string>("--parts")
        { Description = "Comma list of: upsampling, presets, headline, precision", DefaultValueFactory = _ => "upsampling,presets,headline,precision" };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per row", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads", DefaultValueFactory = _ => 2 };
        var maxSeconds = new Option<double>("--max-seconds")
        { Description = "Skip forward+backward when one forward already took this long", DefaultValueFactory = _ => 20 };
        var command = new Command("model", "Centrifuge model speed: up-sampling options, presets, paper headline, bf16");
        command.Options.Add(parts);
        command.Options.Add(repeats);
        command.Options.Add(threads);
        command.Options.Add(maxSeconds);
        command.SetAction(parse =>
        {
            TorchRuntime.SetThreads(parse.GetValue(threads));
            var selected = parse.GetValue(parts)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            int n = parse.GetValue(repeats);
            Console.WriteLine($"machine: {Measure.MachineLine()}, threads {torch.get_num_threads()}");
            double peak32 = ConvPeakBenchmark.PeakGflops(ScalarType.Float32, 5, out _);
            double peak16 = ConvPeakBenchmark.PeakGflops(ScalarType.BFloat16, 5, out _);
            Console.WriteLine($"conv3d peak (3x3x3, 64->64, 16x56x56): fp32 {peak32:F0} GFLOP/s, bf16 {peak16:F0} GFLOP/s");
            var bench = new Runner(n, parse.GetValue(maxSeconds));
            if (selected.Contains("upsampling")) bench.Upsampling();
            if (selected.Contains("precision")) bench.Precision();
            if (selected.Contains("presets")) bench.Presets();
            if (selected.Contains("headline")) bench.Headline();
            if (selected.Contains("profile")) bench.Profile();
            if (selected.Contains("training-ops")) bench.TrainingOps();
            return 0;
        });
        return command;
    }

    private sealed class Runner(int repeats, double maxSeconds)
    {
        private const string Header = "| model | batch x clip | pass | dtype | median s | GMAC | GFLOP/s | of peak (peak measured beside the row) |\n|---|---|---|---|---|---|---|---|";

        public void Upsampling()
        {
            // The machine is shared: options are timed round-robin (one run of each per round) so they see the same
            // load, and the minimum over rounds is reported next to the median.
            Console.WriteLine($"\n### Decoder up-sampling options, {repeats} interleaved rounds (min and median seconds)\n");
            Console.WriteLine("| model | batch x clip | pass | option | min s | median s | GMAC | GFLOP/s at min |\n|---|---|---|---|---|---|---|---|");
            var cases = new List<(string Name, ModelConfig Config, int Batch, ClipSize Clip, bool Backward)>();
            foreach (DecoderUpsampling kind in Enum.GetValues<DecoderUpsampling>())
            {
                cases.Add(("cpu-small", ModelPresets.Get("cpu-small") with { Upsampling = kind }, 4, new ClipSize(16, 64, 64), true));
                cases.Add(("paper predictor", ModelPresets.Get("paper") with { Upsampling = kind, CorrectionSteps = 0 }, 1, new ClipSize(16, 64, 64), false));
            }
            var times = cases.Select(_ => new List<double>()).ToList();
            var models = cases.Select(c => { torch.manual_seed(0); return CentrifugeModel.Create(c.Config); }).ToList();
            var inputs = cases.Select(c => torch.rand(new long[] { c.Batch, 3, c.Clip.Frames, c.Clip.Height, c.Clip.Width }) * 2 - 1).ToList();
            for (int round = 0; round <= repeats; round++)
                for (int i = 0; i < cases.Count; i++)
                {
                    double t = TimeOnce(models[i], inputs[i], cases[i].Backward);
                    if (round > 0) times[i].Add(t); // round 0 warms up
                }
            for (int i = 0; i < cases.Count; i++)
            {
                (string name, ModelConfig config, int batch, ClipSize clip, bool backward) = cases[i];
                double macs = ModelSummary.Compute(config, clip).GmacsPerClip * batch * (backward ? 3 : 1);
                double min = times[i].Min();
                double median = times[i].Order().ElementAt(times[i].Count / 2);
                Console.WriteLine($"| {name} | {batch} x {clip.Joined("x")} | {(backward ? "fwd+bwd" : "fwd")} | {config.Upsampling} " +
                                  $"| {min:F3} | {median:F3} | {macs:F1} | {2 * macs / min:F0} |");
                models[i].Dispose();
                inputs[i].Dispose();
            }
        }

        private static double TimeOnce(CentrifugeModel model, Tensor x, bool backward)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            using var scope = torch.NewDisposeScope();
            if (backward)
            {
                model.train();
                model.zero_grad();
                model.forward(x).abs().mean().backward();
            }
            else
            {
                model.eval();
                using var noGrad = torch.no_grad();
                model.forward(x);
            }
            return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        public void Profile()
        {
            Console.WriteLine("\n### Where the time goes: predictor encoder vs decoder forward, 1 x 16x128x128, fp32, no_grad\n");
            Console.WriteLine("| config | params | encoder s | decoder s |\n|---|---|---|---|");
            var configs = new (string Name, ModelConfig Config)[]
            {
                ("tiny", ModelPresets.Get("tiny")),
                ("cpu-small", ModelPresets.Get("cpu-small")),
                ("cpu-small, width 0.5", ModelPresets.Get("cpu-small") with { Width = 0.5 }),
                ("paper predictor", ModelPresets.Get("paper") with { CorrectionSteps = 0 }),
            };
            foreach ((string name, ModelConfig config) in configs)
            {
                using var model = CentrifugeModel.Create(config);
                model.eval();
                using var noGrad = torch.no_grad();
                using var x = torch.rand(new long[] { 1, 3, 16, 128, 128 }); // a multiple of every total stride
                Tensor[] stages = model.Predictor.Encoder.forward(x);
                double encoder = Measure.MedianSeconds(() => { using var s = torch.NewDisposeScope(); model.Predictor.Encoder.forward(x); }, repeats);
                double decoder = Measure.MedianSeconds(() => { using var s = torch.NewDisposeScope(); model.Predictor.Decoder.forward(x, stages); }, repeats);
                foreach (Tensor t in stages) t.Dispose();
                Console.WriteLine($"| {name} | {ModelSummary.CountParameters(model):N0} | {encoder:F3} | {decoder:F3} |");
            }
        }

        /// <summary>Forward+backward of single layers at the cpu-small training shapes, fp32 vs bf16 autocast.</summary>
        public void TrainingOps()
        {
            Console.WriteLine("\n### Training ops: forward+backward, fp32 vs bf16 autocast (median ms)\n");
            Console.WriteLine("| op | input | fp32 ms | bf16 ms | fp32 / bf16 |\n|---|---|---|---|---|");
            void Op(string name, long[] shape, Func<Tensor, Tensor> f, nn.Module? module = null)
            {
                double Time(bool bf16)
                {
                    using var x = torch.randn(shape).requires_grad_(true);
                    return Measure.MedianSeconds(() =>
                    {
                        using var scope = torch.NewDisposeScope();
                        module?.zero_grad();
                        Tensor y;
                        if (bf16) { using (CpuAutocast.Bf16()) y = f(x).to(ScalarType.Float32); }
                        else y = f(x);
                        y.square().mean().backward();
                    }, repeats);
                }
                double a = Time(false), b = Time(true);
                Console.WriteLine($"| {name} | {string.Join("x", shape)} | {a * 1000:F1} | {b * 1000:F1} | {a / b:F2} |");
            }
            long[] s1 = [6, 24, 8, 32, 32], s2 = [6, 72, 8, 16, 16], s3 = [6, 180, 4, 8, 8];
            using var c1 = nn.Conv3d(24, 24, 3, padding: 1, bias: false);
            using var c2 = nn.Conv3d(72, 72, 3, padding: 1, bias: false);
            using var c3 = nn.Conv3d(180, 180, 3, padding: 1, bias: false);
            using var p2 = nn.Conv3d(72, 72, 1, bias: false);
            using var b1 = nn.BatchNorm3d(24);
            using var b2 = nn.BatchNorm3d(72);
            Op("conv3d 3x3x3 24->24", s1, c1.forward, c1);
            Op("conv3d 3x3x3 72->72", s2, c2.forward, c2);
            Op("conv3d 3x3x3 180->180", s3, c3.forward, c3);
            Op("conv3d 1x1x1 72->72", s2, p2.forward, p2);
            Op("batchnorm3d 24 (train)", s1, x => b1.forward(x.to(CpuAutocast.IsEnabled ? ScalarType.BFloat16 : ScalarType.Float32)), b1);
            Op("batchnorm3d 72 (train)", s2, x => b2.forward(x.to(CpuAutocast.IsEnabled ? ScalarType.BFloat16 : ScalarType.Float32)), b2);
            Op("conv3d 3x3x3 72->72 + bn (bf16: bn on fp32)", s2, x =>
            {
                Tensor y = c2.forward(x);
                return b2.forward(y.to(ScalarType.Float32));
            }, c2);
            Op("conv3d 3x3x3 72->72 + bn", s2, x => b2.forward(c2.forward(x)), c2);
            Op("relu", s2, x => nn.functional.relu(x.to(CpuAutocast.IsEnabled ? ScalarType.BFloat16 : ScalarType.Float32)));
            Op("max_pool3d 3", s2, x => nn.functional.max_pool3d(x.to(CpuAutocast.IsEnabled ? ScalarType.BFloat16 : ScalarType.Float32), [3, 3, 3], [1, 2, 2]));
            Op("pad 1", s2, x => nn.functional.pad(x.to(CpuAutocast.IsEnabled ? ScalarType.BFloat16 : ScalarType.Float32), [1, 1, 1, 1, 1, 1]));
            Op("cat", s2, x => { Tensor y = x.to(CpuAutocast.IsEnabled ? ScalarType.BFloat16 : ScalarType.Float32); return torch.cat([y, y], 1); });

            foreach ((string name, Func<Tensor, Tensor>? pick) in new (string, Func<Tensor, Tensor>?)[] { ("cpu-small model", null) })
            {
                torch.manual_seed(0);
                using var model = CentrifugeModel.Create(ModelPresets.Get("cpu-small") with { BatchNormMomentum = 0.1 });
                model.train();
                Op(name, [6, 3, 16, 64, 64], model.forward, model);
            }
        }

        public void Presets()
        {
            Console.WriteLine("\n### Presets (fp32)\n");
            Console.WriteLine(Header);
            foreach (string preset in ModelPresets.Names)
            {
                ModelConfig config = ModelPresets.Get(preset);
                foreach (ClipSize clip in new ClipSize[] { new(16, 112, 112), new(32, 112, 112) })
                {
                    int batch = preset == "paper" ? 1 : 4;
                    double forward = Row(preset, config, batch, clip, backward: false, ScalarType.Float32);
                    if (forward > maxSeconds)
                        Console.WriteLine($"| {preset} | {batch} x {clip.Joined("x")} | fwd+bwd | fp32 | skipped: forward took {forward:F1} s > {maxSeconds} s | | | |");
                    else
                        Row(preset, config, batch, clip, backward: true, ScalarType.Float32);
                }
            }
        }

        public void Headline()
        {
            Console.WriteLine("\n### Headline: paper predictor (n = 4, no corrector) forward, 1 x 64x224x224 (paper: 0.5 s on a P4000)\n");
            Console.WriteLine(Header);
            ModelConfig predictor = ModelPresets.Get("paper") with { CorrectionSteps = 0 };
            Row("paper predictor", predictor, 1, new ClipSize(64, 224, 224), backward: false, ScalarType.Float32, repeatsOverride: Math.Min(repeats, 2));
            Row("paper predictor", predictor, 1, new ClipSize(64, 224, 224), backward: false, ScalarType.BFloat16, repeatsOverride: Math.Min(repeats, 2));
        }

        public void Precision()
        {
            Console.WriteLine("\n### Inference precision: fp32 vs bf16 (eval, no_grad); PSNR of bf16 outputs vs fp32 outputs on random input\n");
            Console.WriteLine(Header);
            foreach (string preset in new[] { "cpu-small", "paper" })
            {
                ModelConfig config = ModelPresets.Get(preset);
                var clip = new ClipSize(16, 112, 112);
                Row(preset, config, 1, clip, backward: false, ScalarType.Float32);
                Row(preset, config, 1, clip, backward: false, ScalarType.BFloat16);
                torch.manual_seed(1);
                using var model = CentrifugeModel.Create(config);
                using var x = torch.rand(new long[] { 1, 3, clip.Frames, clip.Height, clip.Width }) * 2 - 1;
                using var fp32 = new InferenceModel(model, Centrifuge.Precision.Fp32);
                using var bf16 = new InferenceModel(model, Centrifuge.Precision.Bf16);
                using var a = fp32.Run(x);
                using var b = bf16.Run(x);
                double mse = (a - b).square().mean().item<float>();
                double range = (a.max() - a.min()).item<float>();
                Console.WriteLine($"\n{preset}: bf16 vs fp32 output MSE {mse:E2}, PSNR {10 * Math.Log10(4 / mse):F1} dB on the [-1,1] scale " +
                                  $"(untrained weights, output range {range:F2})\n");
            }
        }

        // One table row; returns the median seconds.
        private double Row(string name, ModelConfig config, int batch, ClipSize clip, bool backward, ScalarType dtype, int? repeatsOverride = null)
        {
            torch.manual_seed(0);
            using var model = CentrifugeModel.Create(config);
            double macs = ModelSummary.Compute(config, clip).GmacsPerClip * 1e9 * batch * (backward ? 3 : 1);
            using var x = torch.rand(new long[] { batch, 3, clip.Frames, clip.Height, clip.Width }) * 2 - 1;
            double seconds;
            if (backward)
            {
                model.train();
                seconds = Measure.MedianSeconds(() =>
                {
                    using var scope = torch.NewDisposeScope();
                    model.zero_grad();
                    model.forward(x).abs().mean().backward();
                }, repeatsOverride ?? repeats);
            }
            else
            {
                using var runner = new InferenceModel(model, dtype == ScalarType.BFloat16 ? Centrifuge.Precision.Bf16 : Centrifuge.Precision.Fp32);
                seconds = Measure.MedianSeconds(() =>
                {
                    using var scope = torch.NewDisposeScope();
                    runner.Run(x);
                }, repeatsOverride ?? repeats);
            }
            double gflops = 2 * macs / seconds / 1e9;
            // the peak is re-measured next to every row: the machine is shared and its load changes
            double peak = ConvPeakBenchmark.PeakGflops(dtype, 3, out _);
            Console.WriteLine($"| {name} | {batch} x {clip.Joined("x")} | {(backward ? "fwd+bwd" : "fwd")} | {(dtype == ScalarType.BFloat16 ? "bf16" : "fp32")} " +
                              $"| {seconds:F3} | {macs / 1e9:F1} | {gflops:F0} | {gflops / peak:P0} |");
            return seconds;
        }
    }
}

using System.CommandLine;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Bench;

/// <summary>
/// This machine's conv3d ceiling: a large 3x3x3 Conv3d in fp32 and bf16. Other suites report achieved GFLOP/s as a
/// ratio to this number.
/// </summary>
public static class ConvPeakBenchmark
{
    public static Command Create()
    {
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per case", DefaultValueFactory = _ => 5 };
        var command = new Command("conv-peak", "Peak Conv3d GFLOP/s (3x3x3, 64->64 channels, 16x56x56) in fp32 and bf16");
        command.Options.Add(repeats);
        command.SetAction(parse =>
        {
            TorchRuntime.EnsureLoaded();
            Console.WriteLine($"machine: {Measure.MachineLine()}");
            Console.WriteLine("| dtype | median ms | GFLOP/s |");
            Console.WriteLine("|---|---|---|");
            foreach (ScalarType dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            {
                double gflops = PeakGflops(dtype, parse.GetValue(repeats), out double seconds);
                Console.WriteLine($"| {dtype} | {seconds * 1000:F1} | {gflops:F0} |");
            }
            return 0;
        });
        return command;
    }

    /// <summary>Achieved GFLOP/s (2 x multiply-adds) of a large 3x3x3 Conv3d forward under no_grad.</summary>
    public static double PeakGflops(ScalarType dtype, int repeats, out double seconds)
    {
        const int batch = 1, channels = 64, t = 16, h = 56, w = 56;
        using var noGrad = torch.no_grad();
        using var conv = nn.Conv3d(channels, channels, 3, padding: 1, bias: false).to(dtype);
        conv.eval();
        using var x = torch.randn(new long[] { batch, channels, t, h, w }).to(dtype);
        seconds = Measure.MedianSeconds(() =>
        {
            using var scope = torch.NewDisposeScope();
            conv.call(x);
        }, repeats);
        double macs = (double)batch * channels * channels * 27 * t * h * w;
        return 2 * macs / seconds / 1e9;
    }
}

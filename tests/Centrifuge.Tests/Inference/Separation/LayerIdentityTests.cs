using Centrifuge.Inference.Separation;
using Centrifuge.Tests.Support;
using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Separation;

/// <summary>
/// A blend of two synthetic videos (testsrc2 and mandelbrot: easy to tell apart) separated by an oracle that returns
/// the two true layers in a random order per window: with alignment each layer stays in one file over every window.
/// </summary>
public class LayerIdentityTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    private const int Window = 8, Overlap = 2;

    [Fact]
    public void Each_layer_of_a_blend_stays_in_one_file_across_windows()
    {
        using var dir = new TempDir();
        var events = new ProgressNames();
        var (result, orders) = SeparateWithShufflingOracle(dir.File("out"), align: true, events);
        Assert.True(result.Stats.Windows >= 3, $"{result.Stats.Windows} windows");
        // Its progress is labelled by both videos, not by the second alone.
        Assert.NotEmpty(events.Names);
        Assert.All(events.Names, n => Assert.Equal($"{Path.GetFileName(clips.BlendA)}+{Path.GetFileName(clips.BlendB)}", n));
        Assert.Contains(orders, o => o[0] != orders[0][0]);   // the oracle did swap its outputs

        int[] first = NearestSource(Path.Combine(result.OutputFolder, "layer-1.mp4"));
        int[] second = NearestSource(Path.Combine(result.OutputFolder, "layer-2.mp4"));
        Assert.Equal(30, first.Length);
        Assert.Single(first.Distinct());
        Assert.Single(second.Distinct());
        Assert.NotEqual(first[0], second[0]);
        Assert.NotNull(result.Summary.Metrics);
        Assert.True(result.Summary.Metrics!.Psnr > 40, $"PSNR {result.Summary.Metrics.Psnr}");
    }

    [Fact]
    public void Without_alignment_the_layers_jump_between_files()
    {
        using var dir = new TempDir();
        var (result, _) = SeparateWithShufflingOracle(dir.File("out"), align: false);
        int[] first = NearestSource(Path.Combine(result.OutputFolder, "layer-1.mp4"));
        Assert.Equal(2, first.Distinct().Count());
    }

    private sealed class ProgressNames : IRunEvents
    {
        public List<string> Names { get; } = [];
        public void Report(RunEvent e)
        {
            if (e is SeparationProgress p) Names.Add(p.Name);
        }
    }

    private (SeparationResult, List<int[]>) SeparateWithShufflingOracle(string outDir, bool align, IRunEvents? events = null)
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = ReadAll(clips.BlendA), b = ReadAll(clips.BlendB);   // [3, 30, 48, 64] each
        var plan = new WindowPlanner(Window, Overlap).Plan((int)a.shape[1]);
        var random = new Random(3);
        var orders = new List<int[]>();
        // The k-th call is window k of the plan: return its frames of A and B, in a random order.
        Tensor Oracle(Tensor x)
        {
            FrameWindow w = plan[orders.Count];
            Assert.Equal(w.Frames, x.shape[2]);
            Tensor[] layers = [a.narrow(1, w.Start, w.Frames), b.narrow(1, w.Start, w.Frames)];
            int[] order = orders.Count == 0 ? [0, 1] : random.Next(2) == 0 ? [0, 1] : [1, 0];
            if (orders.Count == 1) order = [1, 0];   // make sure at least one window swaps
            orders.Add(order);
            return torch.stack(order.Select(i => layers[i]).ToArray()).unsqueeze(0);
        }
        var options = new SeparationOptions { ProcessingShortSide = 48, WindowFrames = Window, OverlapFrames = Overlap, AlignLayers = align };
        SeparationResult result = new Separator(Oracle, options).SeparateBlend(clips.BlendA, clips.BlendB, 0.5, outDir, events);
        return (result, orders);
    }

    // For every frame of a layer video: 0 if it is closer (mean L1) to A's frame, 1 if closer to B's.
    private int[] NearestSource(string layerVideo)
    {
        using var scope = torch.NewDisposeScope();
        Tensor layer = ReadAll(layerVideo), a = ReadAll(clips.BlendA), b = ReadAll(clips.BlendB);
        Tensor da = (layer - a).abs().mean(new long[] { 0, 2, 3 }), db = (layer - b).abs().mean(new long[] { 0, 2, 3 });
        return (da > db).to(ScalarType.Int32).data<int>().ToArray();
    }

    private static Tensor ReadAll(string path)
    {
        using var reader = VideoReader.Open(path);
        return torch.cat(reader.ReadChunks(16).Select(FrameTensors.ToTensor).ToArray(), 1);
    }
}

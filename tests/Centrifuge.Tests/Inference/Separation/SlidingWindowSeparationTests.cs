using Centrifuge.Inference.Separation;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Separation;

public class SlidingWindowSeparationTests
{
    // A video whose frames differ over time and space: [3, N, H, W] in [-1, 1].
    private static Tensor Video(int frames, int h = 6, int w = 8, int seed = 1)
    {
        torch.manual_seed(seed);
        return (torch.rand(new long[] { 3, frames, h, w }) * 1.8 - 0.9);
    }

    // [1, 3, T, H, W] -> [1, n, 3, T, H, W]: layers that are fixed functions of the input, in a random order per call.
    private static Func<Tensor, Tensor> Shuffling(Func<Tensor, Tensor>[] layers, Random? random, List<int[]> orders)
    {
        return x =>
        {
            int[] order = Enumerable.Range(0, layers.Length).ToArray();
            if (random is not null) order = order.OrderBy(_ => random.Next()).ToArray();
            orders.Add(order);
            return torch.stack(order.Select(i => layers[i](x[0])).ToArray()).unsqueeze(0);
        };
    }

    private static (Tensor Layers, Tensor Frames, List<(int First, int Count)> Segments, SlidingWindowStats Stats) Run(
        Tensor video, int window, int overlap, Func<Tensor, Tensor> separate, bool align = true, Func<Tensor, (int, int)>? pairOf = null)
    {
        var layers = new List<Tensor>();
        var frames = new List<Tensor>();
        var segments = new List<(int First, int Count)>();
        using var source = new TensorFrameSource(video, seed: window * 100 + overlap);
        var engine = new SlidingWindowSeparation(new WindowPlanner(window, overlap), CrossFadeShape.RaisedCosine, align);
        SlidingWindowStats stats = engine.Run(source, separate, s =>
        {
            segments.Add((s.FirstFrame, s.FrameCount));
            layers.Add(s.Layers.clone().DetachFromDisposeScope());
            frames.Add(s.Frames.clone().DetachFromDisposeScope());
        }, pairOf);
        return (torch.cat(layers, 2), torch.cat(frames, 1), segments, stats);
    }

    [Fact]
    public void Layers_that_every_window_agrees_on_come_out_exactly_for_every_length()
    {
        TorchRuntime.EnsureLoaded();
        foreach (int total in new[] { 1, 5, 8, 9, 17, 20, 33 })
        {
            using var scope = torch.NewDisposeScope();
            Tensor video = Video(total);
            var orders = new List<int[]>();
            var result = Run(video, 8, 2, Shuffling([x => x, x => -0.5 * x], null, orders));
            Assert.Equal(total, result.Stats.Frames);
            Assert.Equal(new long[] { 2, 3, total, 6, 8 }, result.Layers.shape);
            Assert.True(result.Layers[0].allclose(video, atol: 1e-5), $"layer 1 of {total} frames");
            Assert.True(result.Layers[1].allclose(-0.5 * video, atol: 1e-5), $"layer 2 of {total} frames");
            Assert.True(result.Frames.allclose(video), $"input frames of {total}");
            Assert.Equal(Enumerable.Range(0, result.Segments.Count).Select(i => result.Segments.Take(i).Sum(s => s.Count)),
                result.Segments.Select(s => s.First));
        }
    }

    [Fact]
    public void Each_layer_stays_in_one_slot_when_the_separator_shuffles_its_outputs_every_window()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        Tensor video = Video(40);
        Func<Tensor, Tensor>[] fake = [x => x, x => torch.full_like(x, -0.8), x => 0.2 - 0.3 * x];
        var orders = new List<int[]>();
        var aligned = Run(video, 10, 3, Shuffling(fake, new Random(4), orders));
        Assert.True(aligned.Stats.Windows >= 3);
        Assert.True(orders.Skip(1).Any(o => !o.SequenceEqual(orders[0])), "the fake separator never changed its order");
        Assert.True(aligned.Stats.Swaps > 0);

        // Slot i holds whatever the first window put there, for every frame of the video.
        for (int slot = 0; slot < 3; slot++)
            Assert.True(aligned.Layers[slot].allclose(fake[orders[0][slot]](video), atol: 1e-5), $"slot {slot}");

        // Without alignment the same run mixes layers across files: the test above could fail.
        orders.Clear();
        var unaligned = Run(video, 10, 3, Shuffling(fake, new Random(4), orders), align: false);
        Assert.False(unaligned.Layers[0].allclose(fake[orders[0][0]](video), atol: 1e-3));
    }

    [Fact]
    public void Frames_held_in_memory_do_not_grow_with_the_length_of_the_video()
    {
        TorchRuntime.EnsureLoaded();
        int? held = null;
        foreach (int total in new[] { 30, 120, 400 })
        {
            using var scope = torch.NewDisposeScope();
            var orders = new List<int[]>();
            var result = Run(Video(total, 2, 2), 8, 2, Shuffling([x => x, x => -x], null, orders));
            Assert.Equal(total, result.Stats.Frames);
            Assert.True(result.Stats.MaxBufferedFrames <= 2 * 8 - 2, $"{result.Stats.MaxBufferedFrames} frames held");
            held ??= result.Stats.MaxBufferedFrames;
            Assert.Equal(held, result.Stats.MaxBufferedFrames);
        }
    }

    [Fact]
    public void The_pair_voted_for_by_most_frames_wins()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        Tensor video = Video(30);
        var orders = new List<int[]>();
        // Layers 1 and 3 are far apart (x and -x); the pair function sees the aligned layers.
        var result = Run(video, 8, 2, Shuffling([x => x, x => 0.9 * x, x => -x, x => 0.8 * x], null, orders),
            pairOf: layers => BruteForceMostDissimilar(layers));
        Assert.Equal((0, 2), result.Stats.Pair);
        Assert.Equal(4, result.Stats.Layers);
    }

    private static (int, int) BruteForceMostDissimilar(Tensor layers)
    {
        int n = (int)layers.shape[0];
        (int, int) best = (0, 1);
        double bestDistance = -1;
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++)
        {
            double d = (layers[i] - layers[j]).abs().mean().item<float>();
            if (d > bestDistance) { bestDistance = d; best = (i, j); }
        }
        return best;
    }
}

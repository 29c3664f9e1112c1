using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>What one sliding-window pass did: frames, windows, the chosen pair and the most frames ever held.</summary>
public sealed record SlidingWindowStats(int Frames, int Windows, int Layers, (int A, int B) Pair, int MaxBufferedFrames, int Swaps);

/// <summary>
/// Separates a stream of any length in windows of T frames overlapping by O: streams in, streams out. It holds at
/// most the current window's input (plus the frames read while looking ahead) and the previous window's O-frame
/// output tail, so memory does not grow with the video. Each window's layers are first aligned to the previous
/// window's on the overlap (<see cref="LayerAligner"/>), then cross-faded over it (<see cref="CrossFade"/>), and the
/// frames that no later window will touch are handed to the sink at once.
/// </summary>
public sealed class SlidingWindowSeparation
{
    private readonly WindowPlanner _planner;
    private readonly CrossFadeShape _fade;
    private readonly bool _align;

    /// <param name="alignLayers">false only to show what goes wrong without alignment (tests, ablations).</param>
    public SlidingWindowSeparation(WindowPlanner planner, CrossFadeShape fade = CrossFadeShape.RaisedCosine, bool alignLayers = true)
    {
        _planner = planner;
        _fade = fade;
        _align = alignLayers;
    }

    /// <summary>
    /// Runs the whole stream.
    /// separate: [1, 3, T, H, W] in [-1, 1] -> [1, n, 3, T, H, W] in [-1, 1] (called once per window, under no_grad).
    /// pairOf: aligned layers [n, 3, f, H, W] -> the two most dissimilar; the pair voted for by most frames wins.
    /// progress: called after each window with the number of frames made final so far.
    /// stop: checked before each window; a stop ends the run with <see cref="OperationCanceledException"/>.
    /// </summary>
    public SlidingWindowStats Run(IFrameSource source, Func<Tensor, Tensor> separate, Action<SeparatedSegment> sink,
        Func<Tensor, (int A, int B)>? pairOf = null, Action<int>? progress = null, CancellationToken stop = default)
    {
        Tensor? buffer = null;      // [C, L, H, W]: source frames [bufferStart, bufferStart + L)
        Tensor? tail = null;        // [n, 3, O, H, W]: the previous window's aligned output on the next overlap
        int bufferStart = 0, maxBuffered = 0, layers = 0, swaps = 0, done = 0;
        bool endOfStream = false;
        var votes = new Dictionary<(int, int), long>();
        var firstVote = new List<(int, int)>();
        FrameWindow? previous = null;
        try
        {
            using var noGrad = torch.no_grad();
            while (true)
            {
                stop.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                int needed = _planner.FramesNeeded(previous);
                while (!endOfStream && bufferStart + Length(buffer) < needed)
                {
                    Tensor? chunk = source.Read(needed - bufferStart - Length(buffer));
                    if (chunk is null) { endOfStream = true; break; }
                    buffer = Append(buffer, chunk);
                }
                maxBuffered = Math.Max(maxBuffered, Length(buffer));
                FrameWindow? window = _planner.Next(previous, bufferStart + Length(buffer), endOfStream);
                if (window is null) break;

                Tensor input = buffer!.narrow(1, window.Start - bufferStart, window.Frames);
                Tensor output = separate(input.narrow(0, 0, 3).unsqueeze(0));   // [1, n, 3, T, H, W]
                if (output.dim() != 6 || output.shape[0] != 1 || output.shape[2] != 3 ||
                    !output.shape.Skip(3).SequenceEqual(input.shape.Skip(1)))
                    throw new InvalidOperationException(
                        $"separator returned [{string.Join(", ", output.shape)}] for input [1, 3, {string.Join(", ", input.shape.Skip(1))}]");
                Tensor layersOut = output[0].to(ScalarType.Float32);        // [n, 3, T, H, W]
                if (!torch.isfinite(layersOut).all().item<bool>())
                    throw new NonFiniteLayersException(window.Index, window.Start, window.End, torch.isfinite(layersOut).logical_not().sum().item<long>());
                layers = (int)layersOut.shape[0];

                int fadeOffset = window.FadeStart - window.Start;
                if (tail is not null)
                {
                    Tensor overlap = layersOut.narrow(2, fadeOffset, window.FadeFrames);
                    if (_align)
                    {
                        int[] order = LayerAligner.Align(tail, overlap);
                        if (order.Where((j, i) => j != i).Any()) swaps++;
                        layersOut = LayerAligner.Reorder(layersOut, order);
                    }
                }

                Tensor final = layersOut.narrow(2, fadeOffset, window.FinalFrames);   // [n, 3, f, H, W]
                if (tail is not null)
                {
                    Tensor blended = CrossFade.Blend(tail, final.narrow(2, 0, window.FadeFrames), _fade);
                    final = torch.cat(new[] { blended, final.narrow(2, window.FadeFrames, window.FinalFrames - window.FadeFrames) }, 2);
                }
                final = final.contiguous();
                Tensor frames = buffer.narrow(1, window.FadeStart - bufferStart, window.FinalFrames).contiguous();

                if (pairOf is not null && layers > 2)
                {
                    var pair = Ordered(pairOf(final));
                    votes[pair] = votes.GetValueOrDefault(pair) + window.FinalFrames;
                    if (!firstVote.Contains(pair)) firstVote.Add(pair);
                }
                sink(new SeparatedSegment(window.FadeStart, final, frames));
                done += window.FinalFrames;
                progress?.Invoke(done);

                tail?.Dispose();
                tail = window.IsLast ? null
                    : layersOut.narrow(2, window.Frames - _planner.OverlapFrames, _planner.OverlapFrames).contiguous().DetachFromDisposeScope();
                buffer = DropBefore(buffer, ref bufferStart, window.End - _planner.WindowFrames + 1);
                previous = window;
            }
        }
        finally
        {
            tail?.Dispose();
            buffer?.Dispose();
        }

        (int A, int B) chosen = layers <= 2 ? (0, Math.Min(1, Math.Max(0, layers - 1)))
            : votes.Count == 0 ? (0, 1)
            : firstVote.OrderByDescending(p => votes[p]).First();   // ties: the pair seen first
        return new SlidingWindowStats(done, previous?.Index + 1 ?? 0, layers, chosen, maxBuffered, swaps);
    }

    private static int Length(Tensor? buffer) => buffer is null ? 0 : (int)buffer.shape[1];

    private static (int, int) Ordered((int A, int B) pair) => pair.A <= pair.B ? (pair.A, pair.B) : (pair.B, pair.A);

    // Appends a chunk to the buffer; the buffer and the tail are owned here (detached from every dispose scope).
    private static Tensor Append(Tensor? buffer, Tensor chunk)
    {
        if (chunk.dim() != 4 || chunk.shape[1] < 1 || chunk.shape[0] < 3)
            throw new InvalidOperationException($"frame source returned [{string.Join(", ", chunk.shape)}], expected [C>=3, t>=1, H, W]");
        if (buffer is null) return chunk.to(ScalarType.Float32).contiguous().DetachFromDisposeScope();
        Tensor joined = torch.cat(new[] { buffer, chunk.to(ScalarType.Float32) }, 1).DetachFromDisposeScope();
        buffer.Dispose();
        return joined;
    }

    // Keeps frames from `from` on (the last window may reach back up to T - 1 frames before the previous end).
    private static Tensor? DropBefore(Tensor? buffer, ref int bufferStart, int from)
    {
        if (buffer is null || from <= bufferStart) return buffer;
        int drop = Math.Min(from - bufferStart, Length(buffer));
        Tensor kept = buffer.narrow(1, drop, Length(buffer) - drop).clone().DetachFromDisposeScope();
        buffer.Dispose();
        bufferStart += drop;
        return kept;
    }
}

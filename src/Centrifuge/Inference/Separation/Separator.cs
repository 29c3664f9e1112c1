using System.Diagnostics;
using Centrifuge.Inference.Output;
using Centrifuge.Losses;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Video;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>Progress of one input: frames finished of the total, speed, and the estimated time left.</summary>
public sealed record SeparationProgress(string Input, int FramesDone, int FramesTotal, double FramesPerSecond, TimeSpan? Remaining) : RunProgress
{
    /// <summary>How a progress line names the input: its file name, or both file names for a blend ("a.mp4+b.mp4").</summary>
    public string Name { get; init; } = Path.GetFileName(Input);

    public override double StepsDone => FramesDone;
    public override double Steps => FramesTotal;
}

/// <summary>What separating one input produced: its output folder, summary.json's content and the pass's statistics.</summary>
public sealed record SeparationResult(string OutputFolder, SeparationSummary Summary, SlidingWindowStats Stats, IReadOnlyList<string> Warnings);

/// <summary>
/// Separates real videos of any length and size into layer videos: streams frames in at processing resolution,
/// runs the model on overlapping windows (<see cref="SlidingWindowSeparation"/>: layers aligned across windows,
/// cross-faded over the overlap), and streams layer-K.mp4, pair-a/b.mp4, preview.mp4, contact.png and summary.json
/// out into OUTDIR/&lt;input name&gt;/, which appears only when complete.
/// </summary>
public sealed class Separator
{
    private readonly Func<Tensor, Tensor> _separate;
    private readonly Func<Tensor, (int A, int B)> _pairOf;

    public SeparationOptions Options { get; }

    /// <param name="separate">[1, 3, T, H, W] in [-1, 1] -> [1, n, 3, T, H, W]: a model (e.g. a CentrifugeModel run
    /// under no_grad in eval mode) or any function with that contract; wrapped in the options' test-time augmentation and strength.</param>
    /// <param name="pairOf">aligned layers [n, 3, f, H, W] -> the two most dissimilar; default
    /// <see cref="SeparationMetrics.MostDissimilarPair"/> (the paper's choice of two outputs out of n).</param>
    public Separator(Func<Tensor, Tensor> separate, SeparationOptions? options = null, Func<Tensor, (int A, int B)>? pairOf = null)
    {
        Options = options ?? new SeparationOptions();
        Options.Validate();
        _separate = TestTimeAugmentations.Wrap(separate, Options.TestTimeAugmentation);   // the strength is applied per input (SeparateInto)
        _pairOf = pairOf ?? SeparationMetrics.MostDissimilarPair;
    }

    /// <summary>
    /// Separates one video into OUTDIR/&lt;name&gt;/ (<paramref name="replace"/>: replace an existing folder, as --force does),
    /// reporting a <see cref="SeparationProgress"/> on <paramref name="events"/> after each window.
    /// </summary>
    /// <param name="stop">checked between windows and before the folder is committed: a stop ends the run with
    /// <see cref="OperationCanceledException"/> and leaves no folder behind</param>
    public SeparationResult Separate(string input, string outputRoot, IRunEvents? events = null, bool replace = false,
        CancellationToken stop = default)
    {
        VideoInfo info = VideoProbe.Probe(input);   // first: it names what is wrong with a missing or unreadable input
        var stamp = InputStamp.Of(input);   // before decoding: a file changed while it is read is redone next time
        using var folder = SeparationOutputFolder.Begin(outputRoot, SeparationOutputFolder.NameOf(input), Options.Force || replace);
        var read = new VideoReadOptions { ShortSide = ProcessingSide(info.Width, info.Height) };
        using var source = new VideoFrameSource(VideoReader.Open(input, read));
        (int w, int h) = OutputSize(info.Width, info.Height);
        // A variable-rate input keeps its frame times in the outputs, and so does a damaged one: the frames after the
        // frames it lost stay at their own times, so the layers stay aligned with the input and end where it ends.
        IReadOnlyList<double>? times = info.Damage is null ? FrameTimes.OfVariableRate(info) : FrameTimes.OfDecodedFrames(info);
        return Run(folder, input, source, info.Frames, w, h, info.Fps, null, events, info.Damage?.Reason, frameTimes: times, stamp: stamp, stop: stop);
    }

    /// <summary>Refuses a blend weight outside (0, 1): callers check it before loading a model.</summary>
    public static void CheckAlpha(double alpha)
    {
        if (!(alpha > 0 && alpha < 1)) throw new OptionException("alpha", alpha, "must be between 0 and 1 (exclusive)");
    }

    /// <summary>
    /// Blends A and B over their common length and (centre-cropped) size, V = (1 - alpha) A + alpha B, separates the
    /// blend into OUTDIR/&lt;a&gt;+&lt;b&gt;/ and scores the layers against A and B (summary.json "metrics").
    /// </summary>
    public SeparationResult SeparateBlend(string a, string b, double alpha, string outputRoot, IRunEvents? events = null,
        CancellationToken stop = default)
    {
        CheckAlpha(alpha);
        VideoInfo ia = VideoProbe.Probe(a), ib = VideoProbe.Probe(b);
        string name = $"{SeparationOutputFolder.NameOf(a)}+{SeparationOutputFolder.NameOf(b)}";
        using var folder = SeparationOutputFolder.Begin(outputRoot, name, Options.Force);
        int frames = Math.Min(ia.Frames, ib.Frames);
        int commonW = Math.Min(ia.Width, ib.Width) & ~1, commonH = Math.Min(ia.Height, ib.Height) & ~1;
        if (frames < 1 || commonW < 2 || commonH < 2)
            throw new CentrifugeException($"{a} + {b}: nothing in common to blend ({frames} frames, {commonW}x{commonH})", ExitCodes.InvalidInput);

        // Processing frame: the common frame scaled to short side S; each video is scaled to cover it, then centre-cropped.
        double scale = Math.Min(1.0, (double)Options.ProcessingShortSide / Math.Min(commonW, commonH));
        int pw = Math.Max(2, (int)Math.Round(commonW * scale)), ph = Math.Max(2, (int)Math.Round(commonH * scale));
        VideoReadOptions Cover(VideoInfo v)
        {
            double s = Math.Max((double)pw / v.Width, (double)ph / v.Height);
            int side = (int)Math.Ceiling(Math.Min(v.Width, v.Height) * s);
            return new VideoReadOptions { ShortSide = side, CenterCrop = (pw, ph), MaxFrames = frames };
        }
        using var source = new BlendFrameSource(VideoReader.Open(a, Cover(ia)), VideoReader.Open(b, Cover(ib)), alpha);
        (int w, int h) = Options.OutputShortSide is null ? (commonW, commonH) : OutputSize(commonW, commonH);
        string? damage = string.Join("; ", new[] { ia, ib }.Where(v => v.Damage is not null).Select(v => $"{v.Path}: {v.Damage!.Reason}"));
        return Run(folder, $"{a}+{b}", source, frames, w, h, ia.Fps, (a, b, alpha), events, damage.Length == 0 ? null : damage,
            ia.FramesLost + ib.FramesLost, stop: stop);
    }

    // damage: the probe's reason for a damaged input (null when clean); blendLost: frames lost from a blend's two videos.
    // Messages name the output folder as it will be, never its temporary name.
    private SeparationResult Run(SeparationOutputFolder folder, string input, IFrameSource source, int expectedFrames,
        int width, int height, double fps, (string A, string B, double Alpha)? blend, IRunEvents? events,
        string? damage = null, FrameLoss blendLost = default, IReadOnlyList<double>? frameTimes = null, InputStamp? stamp = null,
        CancellationToken stop = default)
    {
        try
        {
            return SeparateInto(folder, input, source, expectedFrames, width, height, fps, blend, events, damage, blendLost, frameTimes, stamp, stop);
        }
        catch (CentrifugeException e) when (folder.Shown(e.Message) is var shown && shown != e.Message)
        {
            // A writer names the file it failed to write, inside the temporary folder: name the input and the output file.
            throw new CentrifugeException($"{input}: writing the outputs failed: {shown}; nothing was kept", e.ExitCode, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = FileErrors.IsDiskFull(e) ? "no space left on device" : folder.Shown(e.Message);
            throw new CentrifugeException($"{input}: writing the outputs failed: {reason}; nothing was kept", ExitCodes.WriteFailed, e);
        }
    }

    private SeparationResult SeparateInto(SeparationOutputFolder folder, string input, IFrameSource source, int expectedFrames,
        int width, int height, double fps, (string A, string B, double Alpha)? blend, IRunEvents? events,
        string? damage, FrameLoss blendLost, IReadOnlyList<double>? frameTimes, InputStamp? stamp, CancellationToken stop)
    {
        ProcessMemory.ReleaseFreeMemory();   // the previous input's buffers: its peak is not this one's
        ProcessMemory.ResetPeak();
        FfmpegMemory.Reset();   // the reader already running is counted from its start
        var clock = Stopwatch.StartNew();
        string shown = blend is { } pair ? $"{Path.GetFileName(pair.A)}+{Path.GetFileName(pair.B)}" : Path.GetFileName(input);   // progress label
        var engine = new SlidingWindowSeparation(new WindowPlanner(Options.WindowFrames, Options.OverlapFrames), Options.CrossFade, Options.AlignLayers);
        SlidingWindowStats stats;
        var windowStrengths = new List<double>();   // what --strength auto chose, window by window
        Func<Tensor, Tensor> separate = LayerStrength.Wrap(_separate, Options.Strength, Options.AdaptiveStrength, windowStrengths.AddRange);
        var writing = new SeparationWriterOptions(Options.Crf, Options.EncoderPreset, Options.WriteChunkFrames, Options.ContactFrames);
        using (var writer = new SeparationWriter(folder, writing, width, height, fps, expectedFrames, frameTimes))
        {
            try
            {
                stats = engine.Run(source, separate, s => writer.Write(s.FirstFrame, s.Layers, s.Frames), _pairOf, done =>
                {
                    double speed = done / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
                    TimeSpan? left = speed > 0 && expectedFrames >= done ? TimeSpan.FromSeconds((expectedFrames - done) / speed) : null;
                    events.Send(new SeparationProgress(input, done, Math.Max(done, expectedFrames), speed, left) { Name = shown });
                }, stop);
            }
            catch (NonFiniteLayersException e)
            {
                throw e.For(input);   // the folder is not committed: no half-written output
            }
            // A terminal's Ctrl-C reaches the ffmpeg children too: the reader may end the stream early and the writers stop,
            // so what they left is not a result.
            stop.ThrowIfCancellationRequested();
            if (stats.Frames == 0) throw new CentrifugeException($"{input}: no frames could be decoded", ExitCodes.DecodeFailed);
            // A damaged input is separated as far as it decodes; what could not be decoded is counted, never hidden.
            FrameLoss lost = source is VideoFrameSource video ? video.FramesLost : blendLost;
            writer.Complete(stats.Pair);
            clock.Stop();
            BlendMetrics? metrics = blend is { } bl && writer.Scores is { } s
                ? new BlendMetrics(bl.A, bl.B, bl.Alpha, s.Loss, s.Psnr, s.Ssim, s.Psnri, s.Ncc, s.Diversity)
                : null;
            double seconds = clock.Elapsed.TotalSeconds;
            var summary = new SeparationSummary(input, stats.Frames, width + width % 2, height + height % 2, fps, stats.Layers,
                [stats.Pair.A + 1, stats.Pair.B + 1], Math.Round(seconds, 3), Math.Round(stats.Frames / seconds, 3),
                Math.Round(ProcessMemory.PeakMegabytes(), 1))
            {
                FfmpegPeakMemoryMb = Math.Round(FfmpegMemory.PeakMegabytes(), 1),
                FramesLost = lost, Damage = damage, Metrics = metrics, InputStamp = stamp,
                Strength = Options.Strength == LayerStrength.Full ? null : Options.Strength,
                AdaptiveStrength = Options.AdaptiveStrength,
                WindowStrengths = Options.AdaptiveStrength is null ? null : windowStrengths.Select(s => Math.Round(s, 3)).ToArray(),
            };
            File.WriteAllText(folder.File("summary.json"), JsonDefaults.Serialize(summary) + "\n");
            var warnings = (source is VideoFrameSource frames ? frames.Warnings : []).Concat(writer.Warnings).ToList();
            writer.Dispose();
            stop.ThrowIfCancellationRequested();
            folder.Commit();
            return new SeparationResult(folder.FinalPath, summary, stats, warnings);
        }
    }

    // Short side the model sees: S, but never above the input's own (null = read at the input's size).
    private int? ProcessingSide(int width, int height)
    {
        int shortSide = Math.Min(width, height);
        return Options.ProcessingShortSide < shortSide ? Options.ProcessingShortSide : null;
    }

    private (int Width, int Height) OutputSize(int width, int height)
    {
        if (Options.OutputShortSide is not int side) return (width, height);
        return width <= height
            ? (side, Math.Max(1, (int)Math.Round((double)height * side / width)))
            : (Math.Max(1, (int)Math.Round((double)width * side / height)), side);
    }
}

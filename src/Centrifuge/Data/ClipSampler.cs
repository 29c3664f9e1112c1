namespace Centrifuge.Data;

/// <summary>
/// Picks which frames of a stored video make a clip of T frames: at the source rate or resampled to a target fps,
/// times a temporal stride; a random offset in training, centred in evaluation.
/// </summary>
public static class ClipSampler
{
    /// <summary>Source frames advanced per clip frame (source fps / target fps, times the stride).</summary>
    public static double Step(double sourceFps, double? targetFps, int stride) =>
        (targetFps is double t && sourceFps > 0 ? sourceFps / t : 1.0) * stride;

    /// <summary>Source frames a clip spans at this step.</summary>
    public static int Span(int frames, double step) => (int)Math.Floor((frames - 1) * step + 1e-9) + 1;

    /// <summary>
    /// T frame indices into a video of <paramref name="available"/> frames. The step shrinks (down to one frame per
    /// clip frame) when the video is too short for it. Null when the video has fewer than T frames.
    /// </summary>
    public static int[]? Sample(int available, int frames, double step, bool random, ref SplitMix64 rng)
    {
        if (available < frames) return null;
        while (step > 1 && Span(frames, step) > available) step = Math.Max(1, step / 2);
        if (Span(frames, step) > available) step = 1;
        int span = Span(frames, step);
        int start = random ? rng.NextInt(available - span + 1) : (available - span) / 2;
        var indices = new int[frames];
        for (int i = 0; i < frames; i++) indices[i] = start + (int)Math.Floor(i * step + 1e-9);
        return indices;
    }

    /// <summary>A frozen clip (paper section 4.2): one random frame (the middle one in evaluation) repeated T times.</summary>
    public static int[] Frozen(int available, int frames, bool random, ref SplitMix64 rng)
    {
        int index = random ? rng.NextInt(available) : available / 2;
        return Enumerable.Repeat(index, frames).ToArray();
    }
}

namespace Centrifuge.Inference.Separation;

/// <summary>
/// One window of the sliding-window plan. Frames [<see cref="Start"/>, <see cref="End"/>) go through the model.
/// Frames before <see cref="FadeStart"/> were already final and are dropped; frames
/// [<see cref="FadeStart"/>, <see cref="FadeStart"/> + <see cref="FadeFrames"/>) are cross-faded with the previous
/// window's tail; frames up to <see cref="FinalEnd"/> are final once this window is done; the rest (the last
/// overlap frames of a window that is not the last) wait for the next window.
/// </summary>
public sealed record FrameWindow(int Index, int Start, int Frames, int FadeStart, int FadeFrames, int FinalEnd, bool IsLast)
{
    public int End => Start + Frames;

    /// <summary>Frames this window makes final: [FadeStart, FinalEnd).</summary>
    public int FinalFrames => FinalEnd - FadeStart;
}

/// <summary>
/// Plans sliding windows of T frames that overlap by O frames over a stream whose length is learnt only at its end.
/// The next window starts O frames before the previous one ends. At the end of the stream the last window is
/// shifted back so that it still has T frames (a short tail gets the full temporal context) and only its new frames
/// and the O-frame fade are kept; a video shorter than T is one short window.
/// </summary>
public sealed class WindowPlanner
{
    public int WindowFrames { get; }
    public int OverlapFrames { get; }

    /// <param name="windowFrames">T, frames per window (&gt;= 2).</param>
    /// <param name="overlapFrames">O, frames shared by consecutive windows: 1 &lt;= O &lt;= T/2, so that at most two
    /// windows ever cover a frame.</param>
    public WindowPlanner(int windowFrames, int overlapFrames)
    {
        if (windowFrames < 2)
            throw new CentrifugeException($"window of {windowFrames} frames: need at least 2", ExitCodes.Usage);
        if (overlapFrames < 1 || 2 * overlapFrames > windowFrames)
            throw new CentrifugeException(
                $"overlap of {overlapFrames} frames: need 1 <= overlap <= window/2 = {windowFrames / 2}", ExitCodes.Usage);
        WindowFrames = windowFrames;
        OverlapFrames = overlapFrames;
    }

    /// <summary>
    /// How many frames must have been read (or the stream must have ended) before <see cref="Next"/> can place the
    /// window after <paramref name="previous"/>: its T frames plus one look-ahead frame that tells whether it is the last.
    /// </summary>
    public int FramesNeeded(FrameWindow? previous) => NominalStart(previous) + WindowFrames + 1;

    /// <summary>
    /// The window after <paramref name="previous"/> (null = the first), given how many frames of the stream exist so
    /// far. Call with at least <see cref="FramesNeeded"/> frames available, or with <paramref name="endOfStream"/>.
    /// Returns null when there is nothing left to process.
    /// </summary>
    public FrameWindow? Next(FrameWindow? previous, int framesAvailable, bool endOfStream)
    {
        if (previous is { IsLast: true }) return null;
        if (!endOfStream && framesAvailable < FramesNeeded(previous))
            throw new ArgumentException($"need {FramesNeeded(previous)} frames or the end of the stream, have {framesAvailable}");

        int t = WindowFrames, o = OverlapFrames;
        if (previous is null)
        {
            if (framesAvailable == 0) return null;
            bool only = endOfStream && framesAvailable <= t;
            int frames = Math.Min(t, framesAvailable);
            return new FrameWindow(0, 0, frames, 0, 0, only ? frames : frames - o, only);
        }

        int nominal = NominalStart(previous);
        if (endOfStream && framesAvailable <= nominal + t)
        {
            // A non-last window was followed by at least one more frame, so framesAvailable > previous.End.
            int start = Math.Max(0, framesAvailable - t);
            return new FrameWindow(previous.Index + 1, start, framesAvailable - start, nominal, o, framesAvailable, true);
        }
        return new FrameWindow(previous.Index + 1, nominal, t, nominal, o, nominal + t - o, false);
    }

    /// <summary>The whole plan for a stream of known length (what streaming produces, frame for frame).</summary>
    public IReadOnlyList<FrameWindow> Plan(int totalFrames)
    {
        var windows = new List<FrameWindow>();
        for (FrameWindow? w = Next(null, totalFrames, true); w is not null; w = Next(w, totalFrames, true))
            windows.Add(w);
        return windows;
    }

    private int NominalStart(FrameWindow? previous) => previous is null ? 0 : previous.End - OverlapFrames;
}

namespace Centrifuge.Video;

/// <summary>
/// What `probe` reports for one file; JSON keys: path, width, height, fps, frames, frames_lost, duration_s, codec,
/// rotation, damage (what is wrong with a usable but damaged file), error (why a file is unusable). frames_lost is a
/// count, or "unknown" for a damaged file whose container declares no length. Rotation is in
/// degrees clockwise, as the frame is turned for display (ffprobe's display-matrix "rotation" counts counter-clockwise:
/// its 90 is 270 here, its -90 is 90).
/// </summary>
public sealed record ProbeRecord(string Path, int? Width, int? Height, double? Fps, int? Frames, FrameLoss? FramesLost,
    double? DurationS, string? Codec, int? Rotation, string? Damage, string? Error);

/// <summary>
/// Probes a video file and, when asked, decodes every frame through the <see cref="VideoReader"/>: the true frame
/// count, the frames lost to damage, or the reason the file is unusable and its exit code. A bad file is a record, not
/// an exception, so a batch keeps going.
/// </summary>
public static class VideoCheck
{
    /// <summary>The record of <paramref name="path"/> and its exit code (Ok, or the code of the reason it is unusable).</summary>
    /// <param name="decode">null: probe only; else decode with these options</param>
    /// <param name="events">told of decoder warnings beyond the damage the probe already reports</param>
    public static (ProbeRecord Record, int ExitCode) Inspect(string path, VideoReadOptions? decode = null, IRunEvents? events = null)
    {
        VideoInfo? info = null;
        try
        {
            info = VideoProbe.Probe(path);
            int frames = info.Frames;
            FrameLoss lost = info.FramesLost;
            if (decode is not null)
            {
                using VideoReader reader = VideoReader.Open(path, decode);
                foreach (FrameChunk _ in reader.ReadChunks(32)) { }
                (frames, lost) = (reader.FramesRead, reader.FramesLost);
                foreach (string warning in reader.Warnings.Where(w => info.Damage is null || !w.Contains(info.Damage.Reason)))
                    events.Warn(warning);
            }
            return (Record(info, frames, lost, null), ExitCodes.Ok);
        }
        catch (CentrifugeException e)
        {
            return (info is null
                ? new ProbeRecord(path, null, null, null, null, null, null, null, null, null, e.Message)
                : Record(info, info.Frames, info.FramesLost, e.Message), e.ExitCode);
        }
    }

    /// <summary>
    /// The exit code of a batch of checks: the code of the failure when every file failed, PartialFailure when only some
    /// did, CompletedWithLosses when every file is usable but a damaged one lost frames, else Ok.
    /// </summary>
    public static int ExitCode(IReadOnlyList<(ProbeRecord Record, int ExitCode)> checks)
    {
        int failed = checks.Count(c => c.Record.Error is not null);
        if (failed == 0) return checks.Any(c => c.Record.FramesLost is { Any: true }) ? ExitCodes.CompletedWithLosses : ExitCodes.Ok;
        return failed == checks.Count ? checks.First(c => c.Record.Error is not null).ExitCode : ExitCodes.PartialFailure;
    }

    private static ProbeRecord Record(VideoInfo info, int frames, FrameLoss lost, string? error) =>
        new(info.Path, info.Width, info.Height, Math.Round(info.Fps, 4), frames, lost, Math.Round(info.DurationSeconds, 3),
            info.Codec, info.Rotation, info.Damage?.Reason, error);
}

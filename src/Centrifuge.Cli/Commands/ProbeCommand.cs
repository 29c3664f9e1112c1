using System.CommandLine;
using System.Globalization;
using Centrifuge.Video;

namespace Centrifuge.Cli.Commands;

/// <summary>
/// `centrifuge probe FILE... [--json] [--decode ...]`: one record per file (size, rate, true frame count, codec,
/// rotation, damage and frames lost, or the reason it is unusable). A bad file does not stop the others; the exit code
/// is its code when every file failed, <see cref="ExitCodes.PartialFailure"/> when only some did, and
/// <see cref="ExitCodes.CompletedWithLosses"/> when every file is usable but a damaged one lost frames.
/// </summary>
public static class ProbeCommand
{
    /// <summary>
    /// One line of output; JSON keys: path, width, height, fps, frames, frames_lost, duration_s, codec, rotation, damage
    /// (what is wrong with a usable but damaged file), error (why a file is unusable). Rotation is
    /// in degrees clockwise, as the frame is turned for display (ffprobe's display-matrix "rotation" counts
    /// counter-clockwise: its 90 is 270 here, its -90 is 90).
    /// </summary>
    private sealed record ProbeRecord(string Path, int? Width, int? Height, double? Fps, int? Frames, int? FramesLost,
        double? DurationS, string? Codec, int? Rotation, string? Damage, string? Error);

    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Video files to probe", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print a JSON array, one object per file" };
        var decode = new Option<bool>("--decode") { Description = "Also decode every frame through the reader (with the options below)" };
        var strict = new Option<bool>("--strict") { Description = "With --decode: refuse too few frames or a frame smaller than the crop" };
        var maxFrames = new Option<int?>("--max-frames") { Description = "With --decode: read this many frames" };
        var shortSide = new Option<int?>("--short-side") { Description = "With --decode: resize so the short side is S pixels" };
        var crop = new Option<string?>("--crop") { Description = "With --decode: centre crop WxH (after resizing)" };
        var command = new Command("probe", "Show size, frame rate, true frame count and codec of videos, or why they are unusable");
        command.Arguments.Add(files);
        foreach (Option option in new Option[] { json, decode, strict, maxFrames, shortSide, crop }) command.Options.Add(option);

        command.SetAction(parse => context.Execute(parse, () =>
        {
            VideoReadOptions? readOptions = parse.GetValue(decode)
                ? new VideoReadOptions
                {
                    Strict = parse.GetValue(strict),
                    MaxFrames = parse.GetValue(maxFrames),
                    ShortSide = parse.GetValue(shortSide),
                    CenterCrop = ParseSize(parse.GetValue(crop)),
                }
                : null;
            var records = new List<ProbeRecord>();
            var failures = new List<int>();
            foreach (string path in parse.GetValue(files) ?? [])
            {
                (ProbeRecord record, int code) = ProbeOne(path, readOptions, context.Error);
                records.Add(record);
                if (record.Error is not null)
                {
                    failures.Add(code);
                    context.Error.WriteLine($"centrifuge: error: {record.Error}");
                }
                else if (record.Damage is not null)
                {
                    context.Error.WriteLine($"centrifuge: warning: {record.Path}: {record.Damage}");
                }
            }

            if (parse.GetValue(json)) context.Output.WriteLine(JsonDefaults.Serialize(records));
            else foreach (ProbeRecord r in records) context.Output.WriteLine(Line(r));

            if (failures.Count == 0) return records.Any(r => r.FramesLost > 0) ? ExitCodes.CompletedWithLosses : ExitCodes.Ok;
            return failures.Count == records.Count ? failures[0] : ExitCodes.PartialFailure;
        }));
        return command;
    }

    private static (ProbeRecord Record, int ExitCode) ProbeOne(string path, VideoReadOptions? readOptions, TextWriter error)
    {
        VideoInfo? info = null;
        try
        {
            info = VideoProbe.Probe(path);
            int frames = info.Frames, lost = info.FramesLost;
            if (readOptions is not null)
            {
                using VideoReader reader = VideoReader.Open(path, readOptions);
                foreach (FrameChunk _ in reader.ReadChunks(32)) { }
                (frames, lost) = (reader.FramesRead, reader.FramesLost);
                foreach (string warning in reader.Warnings.Where(w => info.Damage is null || !w.Contains(info.Damage.Reason)))
                    error.WriteLine($"centrifuge: warning: {warning}");
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

    private static ProbeRecord Record(VideoInfo info, int frames, int lost, string? error) =>
        new(info.Path, info.Width, info.Height, Math.Round(info.Fps, 4), frames, lost, Math.Round(info.DurationSeconds, 3),
            info.Codec, info.Rotation, info.Damage?.Reason, error);

    private static string Line(ProbeRecord r) => r.Width is null
        ? $"{r.Path}: error: {r.Error}"
        : string.Create(CultureInfo.InvariantCulture,
            $"{r.Path}: {r.Width}x{r.Height}, {r.Fps:0.###} fps, {r.Frames} frames, {r.DurationS:0.###} s, {r.Codec}" +
            $"{(r.Rotation is > 0 ? $", rotated {r.Rotation}° clockwise" : "")}{(r.Damage is null || r.Error is not null ? "" : $" — damaged: {r.Damage}")}" +
            $"{(r.Error is null ? "" : $" — error: {r.Error}")}");

    private static (int Width, int Height)? ParseSize(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        string[] parts = text.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h) && w > 0 && h > 0)
            return (w, h);
        throw new CentrifugeException($"--crop {text}: expected WxH, e.g. 224x224", ExitCodes.Usage);
    }
}

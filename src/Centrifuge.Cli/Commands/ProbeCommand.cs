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
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Video files to probe", Arity = ArgumentArity.OneOrMore };
        var json = CommonOptions.Json("the result", "an array, one object per file");
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
            var warnings = new ProgressReporter(context, ProgressMode.None);   // decoder warnings, on stderr
            var checks = new List<(ProbeRecord Record, int ExitCode)>();
            foreach (string path in parse.GetValue(files) ?? [])
            {
                (ProbeRecord record, int code) = VideoCheck.Inspect(path, readOptions, warnings);
                checks.Add((record, code));
                if (record.Error is not null) context.Error.WriteLine($"centrifuge: error: {record.Error}");
                else if (record.Damage is not null) context.Error.WriteLine($"centrifuge: warning: {record.Path}: {record.Damage}");
            }

            if (parse.GetValue(json)) context.Output.WriteLine(JsonDefaults.Serialize(checks.Select(c => c.Record)));
            else foreach ((ProbeRecord r, _) in checks) context.Output.WriteLine(Line(r));
            return VideoCheck.ExitCode(checks);
        }));
        return command;
    }

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

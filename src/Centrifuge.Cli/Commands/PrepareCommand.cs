using System.CommandLine;
using Centrifuge.Data;

namespace Centrifuge.Cli.Commands;

/// <summary>
/// `centrifuge prepare --data SRC --cache DIR --short-side S`: decodes every source once into the decoded-clip cache
/// (<see cref="ClipCacheBuilder"/>). Unusable sources are listed, never fatal; re-running reuses what is valid.
/// </summary>
public static class PrepareCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string[]>("--data")
        {
            Description = "Sources: a folder (recursive, label = parent folder), a Kinetics CSV, a text list of paths, or a manifest.json; repeatable",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var cache = new Option<string>("--cache") { Description = "Cache folder to create or refresh", Required = true };
        var shortSide = new Option<int>("--short-side") { Description = "Decode so the short side is S pixels: 1.15 x the training crop (129 for 112x112)", DefaultValueFactory = _ => 129 };
        var photoSide = new Option<int>("--photo-short-side") { Description = "Short side of still photos (default 1.5 x S, so camera-motion zooms stay sharp)" };
        var kineticsRoot = new Option<string?>("--kinetics-root") { Description = "Root folder of the videos a Kinetics CSV names (default: the CSV's folder)" };
        var minFrames = new Option<int>("--min-frames") { Description = "Skip videos with fewer decoded frames", DefaultValueFactory = _ => 8 };
        var images = new Option<ImageFolderMode>("--image-folders") { Description = "Folders of numbered images: auto, frames (one video) or photos", DefaultValueFactory = _ => ImageFolderMode.Auto };
        var noVerify = new Option<bool>("--no-verify") { Description = "Trust cached entries of the right size without re-checking their checksum" };
        var json = CommonOptions.Json("the report", "progress goes to stderr");
        var command = new Command("prepare", "Decode training videos once into a memory-mapped clip cache, so training never decodes video again");
        foreach (Option o in new Option[] { data, cache, shortSide, photoSide, kineticsRoot, minFrames, images, noVerify, json }) command.Options.Add(o);

        command.SetAction(parse => context.Execute(parse, () =>
        {
            int side = parse.GetValue(shortSide);
            if (side < 8) throw new CentrifugeException($"--short-side {side}: must be at least 8", ExitCodes.Usage);
            var options = new PrepareOptions
            {
                ShortSide = side, PhotoShortSide = parse.GetValue(photoSide), MinFrames = Math.Max(1, parse.GetValue(minFrames)),
                VerifyChecksums = !parse.GetValue(noVerify),
            };
            SourceList list = SourceCatalog.Discover(parse.GetValue(data) ?? [], parse.GetValue(kineticsRoot), parse.GetValue(images));
            string folder = parse.GetValue(cache)!;
            bool asJson = parse.GetValue(json);
            // A bar on a terminal; plain lines ("prepare: [3/20] path: decoded") when redirected, on stderr under --json; a
            // wait for another process preparing the folder on stderr.
            var progress = new ProgressReporter(context, asJson ? ProgressMode.StandardError : ProgressMode.Auto) { NotePrefix = "prepare: ", NotesToError = true };
            PrepareReport report = progress.Run(events => ClipCacheBuilder.Prepare(list, folder, options, VideoSourceDecoder.Instance, events));

            if (asJson) context.Output.WriteLine(JsonDefaults.Serialize(report));
            else
            {
                context.Output.WriteLine(
                    $"prepare: {report.Cache}: {report.Decoded} decoded, {report.Reused} reused, {report.Rebuilt} rebuilt, {report.Skipped} skipped; " +
                    $"{report.CachedFrames} frames, {report.CacheBytes / 1e6:F1} MB at short side {report.ShortSide}, {report.Seconds:F1} s");
                foreach (SkippedSource s in report.SkippedSources) context.Output.WriteLine($"  skipped {s.Path}: {s.Reason}");
                foreach (SkippedSource s in report.DamagedSources) context.Output.WriteLine($"  damaged {s.Path}: {s.Reason}");
            }
            if (report.Decoded + report.Reused + report.Rebuilt == 0)
                throw new CentrifugeException($"{folder}: no source could be cached ({report.Skipped} skipped)", ExitCodes.InvalidInput);
            return report.FramesLost.Any ? ExitCodes.CompletedWithLosses : ExitCodes.Ok;
        }));
        return command;
    }
}

using System.CommandLine;
using Centrifuge.Inference.Demo;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge demo`: separates a blend of two validation videos and one real video into demo-output/ with index.html (Inference.DemoRunner).</summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Demo folder (index.html, inputs/, blend/, real/)", DefaultValueFactory = _ => "demo-output" };
        var model = CommonOptions.Model();
        var force = new Option<bool>("--force") { Description = "Replace a previous demo in the folder (never a folder the demo did not write)" };
        var size = new Option<int?>("--size") { Description = $"Processing short side in pixels, the excerpts are written at this size too (default: the scale the model was trained at, else {SeparationOptions.DefaultShortSide})" };
        var seconds = new Option<double>("--seconds") { Description = "Length of each excerpt", DefaultValueFactory = _ => 4 };
        var threads = CommonOptions.Threads();
        var strength = CommonOptions.Strength();

        var command = new Command("demo",
            "Fetch the sample videos, separate a blend of two validation videos and one real video with the shipped model, and write demo-output/index.html");
        foreach (Option option in new Option[] { output, model, force, size, seconds, threads, strength })
            command.Options.Add(option);

        command.SetAction(parse => context.Execute(parse, () =>
        {
            var demo = new DemoOptions { OutputFolder = parse.GetValue(output)!, Force = parse.GetValue(force), Seconds = parse.GetValue(seconds) };
            // Cheap refusals first: no model, or a folder in the way, before fetching or separating anything.
            string checkpoint = CommonOptions.ModelOrShipped(parse, model);
            if (!File.Exists(checkpoint)) throw new CentrifugeException($"{checkpoint}: no such model checkpoint", ExitCodes.MissingInput);
            var separation = new SeparationOptions
            {
                ProcessingShortSide = SeparationOptions.ShortSideFor(checkpoint, parse.GetValue(size)),
                Strengths = CommonOptions.StrengthOf(parse, strength, checkpoint),
            };
            separation.Validate();
            DemoRunner.CheckOutputFolder(demo);

            var progress = new ProgressReporter(context) { NotePrefix = "demo: " };
            string? root = DemoSamples.FindRepositoryRoot();
            string samplesFolder = DemoSamples.SamplesFolder(root);
            IReadOnlyList<SampleEntry> samples = DemoSamples.EnsureFetched(samplesFolder, root, progress);
            var (separate, loaded) = SeparationRuntimes.Load(checkpoint, SeparationRuntime.Torch, CommonOptions.Compute(parse, threads));
            using IDisposable owner = loaded;
            var separator = new Separator(separate, separation);
            DemoResult result = progress.Run(events => DemoRunner.Run(separator, ModelName(checkpoint, separation, recorded: parse.GetValue(strength) is null), samples, samplesFolder, demo, events));

            if (result.Blend.Result.Summary.Metrics is { } m)
                context.Output.WriteLine($"demo: blend: PIT loss {m.Loss:F4}, PSNR {m.Psnr:F2} dB (PSNRi {m.Psnri:+0.00;-0.00} dB), SSIM {m.Ssim:F3}");
            context.Output.WriteLine($"demo: real: {result.Real.Result.Summary.Frames} frames -> {result.Real.Result.OutputFolder}");
            context.Output.WriteLine($"Open {result.IndexHtml} in a browser (file://{result.IndexHtml})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    // How the page's header names the model: its file, and the strength when the layers are not the model's own (as
    // asked for, or as the model file records it).
    private static string ModelName(string checkpoint, SeparationOptions separation, bool recorded) =>
        separation.Strengths == StrengthSetting.Full ? Path.GetFileName(checkpoint)
        : recorded ? $"{Path.GetFileName(checkpoint)} at strength {separation.Strengths} (the default its file records)"
        : $"{Path.GetFileName(checkpoint)} at --strength {separation.Strengths}";
}

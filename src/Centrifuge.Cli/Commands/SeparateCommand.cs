using System.CommandLine;
using System.Diagnostics;
using Centrifuge.Inference;
using Centrifuge.Runtime;
using Spectre.Console;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge separate`: split videos into layer videos with a trained model (Inference.Separator).</summary>
public static class SeparateCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "Videos to separate", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Output folder: OUTDIR/<input name>/ per input", Required = true };
        var model = new Option<string?>("--model") { Description = $"Model checkpoint (default: {ShippedModel.RelativePath} or ${ShippedModel.EnvironmentVariable})" };
        var size = new Option<int>("--size") { Description = "Processing short side in pixels (the model sees this)", DefaultValueFactory = _ => 224 };
        var outputSize = new Option<string>("--output-size") { Description = "Short side of the written layers, or 'original'", DefaultValueFactory = _ => "original" };
        var window = new Option<int>("--window") { Description = "Frames per window (T)", DefaultValueFactory = _ => 32 };
        var overlap = new Option<int>("--overlap") { Description = "Frames shared by consecutive windows (O, 1..T/2)", DefaultValueFactory = _ => 8 };
        var precision = new Option<string>("--precision") { Description = "fp32 or bf16", DefaultValueFactory = _ => "fp32" };
        var device = new Option<string>("--device") { Description = "cpu or cuda", DefaultValueFactory = _ => "cpu" };
        var threads = CommonOptions.Threads();
        var json = new Option<bool>("--json") { Description = "Print the results as JSON (no progress)" };
        var force = new Option<bool>("--force") { Description = "Replace existing output folders" };
        var blend = new Option<string[]>("--blend")
        {
            Description = "Blend two videos A B, separate the blend and score the layers against A and B",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var alpha = new Option<double>("--alpha") { Description = "Blend weight of B: V = (1-a) A + a B", DefaultValueFactory = _ => 0.5 };

        var command = new Command("separate", "Split videos into their layers: layer-K.mp4, pair-a/b.mp4, preview.mp4, contact.png, summary.json");
        command.Arguments.Add(inputs);
        foreach (Option option in new Option[] { output, model, size, outputSize, window, overlap, precision, device, threads, json, force, blend, alpha })
            command.Options.Add(option);

        command.SetAction(parse => context.Execute(parse, () =>
        {
            string[] files = parse.GetValue(inputs) ?? [];
            string[]? blendPair = parse.GetValue(blend);
            if (files.Length == 0 && blendPair is null)
                throw new CentrifugeException("separate: give at least one INPUT video (or --blend A B)", ExitCodes.Usage);
            var options = new SeparationOptions
            {
                ProcessingShortSide = parse.GetValue(size),
                OutputShortSide = ParseOutputSize(parse.GetValue(outputSize)!),
                WindowFrames = parse.GetValue(window),
                OverlapFrames = parse.GetValue(overlap),
                Force = parse.GetValue(force),
            };
            options.Validate();
            TorchRuntime.SetThreads(parse.GetValue(threads) ?? 0);
            string checkpoint = parse.GetValue(model) ?? ShippedModel.Resolve();
            using SeparationModel loaded = SeparationModel.Load(checkpoint, parse.GetValue(device)!, parse.GetValue(precision)!);
            var separator = new Separator(loaded.Separate, options);
            string outDir = parse.GetValue(output)!;
            bool asJson = parse.GetValue(json);

            var outcomes = new List<SeparationOutcome>();
            foreach ((string file, SeparationOutcome? refused) in SeparationBatch.Plan(files))
                outcomes.Add(Report(context, asJson, refused ??
                    WithProgress(context, asJson, file, p => SeparationBatch.Try(file, () => separator.Separate(file, outDir, p)))));
            if (blendPair is [string a, string b])
            {
                string name = $"{a}+{b}";
                outcomes.Add(Report(context, asJson, WithProgress(context, asJson, name,
                    p => SeparationBatch.Try(name, () => separator.SeparateBlend(a, b, parse.GetValue(alpha), outDir, p)))));
            }
            if (asJson)
                context.Output.WriteLine(JsonDefaults.Serialize(outcomes.Select(o => new
                {
                    o.Input, Output = o.Result?.OutputFolder, Ok = o.Succeeded, o.Error, o.ExitCode, o.Result?.Summary,
                })));
            return SeparationBatch.ExitCode(outcomes);
        }));
        return command;
    }

    private static int? ParseOutputSize(string value)
    {
        if (value.Equals("original", StringComparison.OrdinalIgnoreCase)) return null;
        if (int.TryParse(value, out int side) && side >= 2) return side;
        throw new CentrifugeException($"--output-size {value}: expected a short side in pixels or 'original'", ExitCodes.Usage);
    }

    // One input: a Spectre progress bar on a terminal, plain progress lines when redirected, nothing under --json.
    private static SeparationOutcome WithProgress(CliContext context, bool json, string input, Func<Action<SeparationProgress>?, SeparationOutcome> run)
    {
        if (json) return run(null);
        string name = Path.GetFileName(input);
        if (context.Console.Profile.Capabilities.Interactive)
        {
            SeparationOutcome? outcome = null;
            context.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    ProgressTask task = ctx.AddTask(Markup.Escape(name), maxValue: 1);
                    outcome = run(p =>
                    {
                        task.MaxValue = p.FramesTotal;
                        task.Value = p.FramesDone;
                        task.Description = Markup.Escape($"{name} {p.FramesDone}/{p.FramesTotal} frames {p.FramesPerSecond:F1} fps");
                    });
                    task.StopTask();
                });
            return outcome!;
        }
        var clock = Stopwatch.StartNew();
        TimeSpan? last = null;
        return run(p =>
        {
            bool end = p.FramesDone >= p.FramesTotal;
            if (!end && last is TimeSpan previous && clock.Elapsed - previous < TimeSpan.FromSeconds(5)) return;
            last = clock.Elapsed;
            string eta = p.Remaining is TimeSpan r && !end ? $", ETA {r:h\\:mm\\:ss}" : "";
            context.Output.WriteLine($"{name}: {p.FramesDone}/{p.FramesTotal} frames ({100.0 * p.FramesDone / Math.Max(1, p.FramesTotal):F0}%), {p.FramesPerSecond:F1} frames/s{eta}");
        });
    }

    // One line per input: where the layers went, or why it was skipped.
    private static SeparationOutcome Report(CliContext context, bool json, SeparationOutcome outcome)
    {
        if (outcome.Result is { } r)
        {
            foreach (string warning in r.Warnings) context.Error.WriteLine($"centrifuge: warning: {warning}");
            if (!json)
                context.Output.WriteLine(
                    $"{outcome.Input} -> {r.OutputFolder}/ ({r.Summary.Frames} frames, {r.Summary.Width}x{r.Summary.Height}, " +
                    $"{r.Summary.Layers} layers, pair {r.Summary.Pair[0]}+{r.Summary.Pair[1]}, {r.Summary.Seconds:F1} s, " +
                    $"{r.Summary.FramesPerSecond:F2} frames/s)");
        }
        else
        {
            context.Error.WriteLine($"centrifuge: error: {outcome.Error} (skipped)");
        }
        return outcome;
    }
}

using System.CommandLine;
using System.Runtime.InteropServices;
using Centrifuge.Inference.Batch;
using Centrifuge.Inference.Separation;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge separate`: split videos into layer videos with a trained model (Inference.Separator).</summary>
public static class SeparateCommand
{
    public static Command Create(CliContext context)
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "Videos to separate", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Output folder: OUTDIR/<input name>/ per input", Required = true };
        var model = CommonOptions.Model();
        var size = new Option<int?>("--size") { Description = $"Processing short side in pixels, the model sees this (default: the scale the model was trained at, else {SeparationOptions.DefaultShortSide})" };
        var outputSize = new Option<string>("--output-size") { Description = "Short side of the written layers, or 'original'", DefaultValueFactory = _ => "original" };
        var window = new Option<int>("--window") { Description = "Frames per window (T)", DefaultValueFactory = _ => 32 };
        var overlap = new Option<int>("--overlap") { Description = "Frames shared by consecutive windows (O, 1..T/2)", DefaultValueFactory = _ => 8 };
        var precision = CommonOptions.Precision();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json("the results", "no progress");
        var force = new Option<bool>("--force") { Description = "Replace existing output folders" };
        var blend = new Option<string[]>("--blend")
        {
            Description = "Blend two videos A B, separate the blend and score the layers against A and B",
            Arity = new ArgumentArity(2, 2),
            AllowMultipleArgumentsPerToken = true,
        };
        var alpha = new Option<double>("--alpha") { Description = "Blend weight of B: V = (1-a) A + a B", DefaultValueFactory = _ => 0.5 };
        var inputsFrom = new Option<string?>("--inputs-from") { Description = "Also read input paths from FILE, one per line ('#' starts a comment line)" };
        var shard = new Option<string?>("--shard") { Description = "Separate only shard K of N of the inputs (K = 0..N-1) and record it in OUTDIR/_shards/K-of-N.json (docs/SCALING.md)" };
        var runtime = new Option<string>("--runtime") { Description = "torch (libtorch) or onnx (OnnxRuntime CPU, fp32: faster here, docs/BENCHMARKS.md; a .onnx --model implies it)", DefaultValueFactory = _ => "torch" };
        var tta = new Option<string>("--tta") { Description = "Test-time augmentation: none, flip, reverse or flip,reverse (each window's layers averaged with those of its mirrored / time-reversed views, matched by layer; one more forward pass per view)", DefaultValueFactory = _ => "none" };
        var strength = CommonOptions.Strength();
        var skipExisting = new Option<bool>("--skip-existing") { Description = "Skip inputs whose output folder holds a complete result; redo partial ones, and ones of an input changed since or written at another strength" };

        var command = new Command("separate", "Split videos into their layers: layer-K.mp4, pair-a/b.mp4, preview.mp4, contact.png, summary.json");
        command.Arguments.Add(inputs);
        foreach (Option option in new Option[] { output, model, size, outputSize, window, overlap, precision, device, threads, json, force, blend, alpha, inputsFrom, shard, skipExisting, runtime, tta, strength })
            command.Options.Add(option);

        command.SetAction(parse => context.Execute(parse, () =>
        {
            IReadOnlyList<string> list = SeparationInputs.Gather(parse.GetValue(inputs) ?? [], parse.GetValue(inputsFrom));
            ShardSpec? shardSpec = parse.GetValue(shard) is string k ? ShardSpec.Parse(k) : null;
            IReadOnlyList<string> files = shardSpec is null ? list : SeparationInputs.Select(list, shardSpec);
            string[]? blendPair = parse.GetValue(blend) is { Length: 2 } pair ? pair : null;
            if (list.Count == 0 && blendPair is null)
                throw new CentrifugeException("separate: give at least one INPUT video (or --inputs-from FILE, or --blend A B)", ExitCodes.Usage);
            if (shardSpec is not null && blendPair is not null)
                throw new CentrifugeException("separate: --shard splits a list of inputs; it cannot be combined with --blend", ExitCodes.Usage);
            string outDir = parse.GetValue(output)!;
            double blendAlpha = parse.GetValue(alpha);
            if (blendPair is null && parse.GetResult(alpha) is { Implicit: false })
                throw new CentrifugeException($"--alpha {blendAlpha}: only used with --blend A B", ExitCodes.Usage);
            if (blendPair is not null) Separator.CheckAlpha(blendAlpha);
            string checkpoint = CommonOptions.ModelOrShipped(parse, model);
            var options = new SeparationOptions
            {
                ProcessingShortSide = SeparationOptions.ShortSideFor(checkpoint, parse.GetValue(size)),
                OutputShortSide = ParseOutputSize(parse.GetValue(outputSize)!),
                WindowFrames = parse.GetValue(window),
                OverlapFrames = parse.GetValue(overlap),
                TestTimeAugmentation = TestTimeAugmentations.Parse(parse.GetValue(tta)!),
                Strengths = CommonOptions.StrengthOf(parse, strength, checkpoint),
                Force = parse.GetValue(force),
            };
            options.Validate();
            var (separate, loaded) = SeparationRuntimes.Load(checkpoint, SeparationRuntimes.Parse(parse.GetValue(runtime)!),
                CommonOptions.Compute(parse, threads, device, precision));
            using IDisposable owner = loaded;
            var separator = new Separator(separate, options);
            bool asJson = parse.GetValue(json);
            // A signal stops the run between two windows: the input in progress leaves nothing behind, the finished ones
            // stay, and the run ends with one line and 130 / 143. A second signal quits at once.
            using var stop = new StopSignals(first: _ => { }, second: signal =>
            {
                context.Error.WriteLine($"centrifuge: separate: second {signal}: quitting at once; the next separate into {outDir} removes the unfinished output");
                context.Error.Flush();
                Environment.Exit(signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted);
            });
            var job = new SeparationJob(files, outDir)
            {
                Stop = stop.Token,
                AllInputs = list, Shard = shardSpec, SkipExisting = parse.GetValue(skipExisting),
                Blend = blendPair is [string a, string b] ? (a, b, blendAlpha) : null,
            };
            // Progress of one input at a time (none under --json), then one line per input: where the layers went, or why not.
            var progress = new ProgressReporter(context, asJson ? ProgressMode.None : ProgressMode.Auto)
            {
                NotePrefix = "centrifuge: note: ", NotesToError = true, Command = command,
            };
            IReadOnlyList<SeparationOutcome> outcomes;
            try
            {
                outcomes = progress.Run(events => SeparationBatch.Run(separator, job, events));
            }
            catch (SeparationStopped stopped) when (stop.Token.IsCancellationRequested)
            {
                string unfinished = stopped.Unfinished is { } current ? $"{current} was not finished and left no output; " : "";
                context.Error.WriteLine($"centrifuge: separate: interrupted by {stop.Received}: {unfinished}" +
                                        $"{stopped.Finished} finished input{(stopped.Finished == 1 ? " is" : "s are")} in {outDir}");
                return stop.ExitCode;
            }
            if (asJson)
                context.Output.WriteLine(JsonDefaults.Serialize(outcomes.Select(o => new
                {
                    o.Input, Output = o.Result?.OutputFolder, Ok = o.Succeeded, o.Skipped, o.Error, o.ExitCode, o.Result?.Summary,
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
}

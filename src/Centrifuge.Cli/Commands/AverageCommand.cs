using System.CommandLine;
using System.Globalization;
using Centrifuge.Runtime;
using Centrifuge.Training;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge average`: models (or a run's step checkpoints) averaged into one model checkpoint (Training.WeightAveraging).</summary>
public static class AverageCommand
{
    public static Command Create(CliContext context)
    {
        var models = new Argument<string[]>("MODELS")
        {
            Description = "Model checkpoints (best.ckpt, models/*.ckpt) or a run's training checkpoints (checkpoints/step-N.ckpt) of one architecture",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out") { Description = "Model checkpoint to write", Required = true };
        var weights = new Option<string?>("--weights") { Description = "One weight per model, comma-separated, e.g. 2,1,1 (default: equal)" };
        var force = new Option<bool>("--force") { Description = "Replace an existing file" };
        var updateBn = new Option<int?>("--update-bn")
        {
            Description = "Re-estimate the batch-norm statistics of the average on this many training batches (precise BN, as SWA ends); " +
                          "the batches of --config, else of the run the first model comes from",
        };
        var config = new Option<string[]>("--config") { Description = "Training config whose batches --update-bn uses (repeatable, as for train)", Arity = ArgumentArity.ZeroOrMore };
        var data = new Option<string?>("--data") { Description = "Training videos for --update-bn (default: the config's)" };
        var cache = new Option<string?>("--cache") { Description = "Clip cache folder for --update-bn (default: the config's)" };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var command = new Command("average",
            "Average the weights of models fine-tuned from the same start (a model soup) or of a run's checkpoints (weight " +
            "averaging) into one model; with one training checkpoint, extract its model for evaluate and separate");
        command.Arguments.Add(models);
        foreach (Option o in new Option[] { output, weights, force, updateBn, config, data, cache, threads, json }) command.Options.Add(o);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            TorchRuntime.EnsureLoaded();
            string[] inputs = parse.GetValue(models)!;
            BatchNormUpdate? update = parse.GetValue(updateBn) is not { } batches ? null : BatchNormUpdate.For(inputs, parse.GetValue(config) ?? [],
                new TrainingOverrides
                {
                    Sources = parse.GetValue(data) is { } d ? [d] : null, Cache = parse.GetValue(cache), Threads = parse.GetValue(threads),
                }, batches);
            update?.Config.Compute.Apply();
            var progress = new ProgressReporter(context, ProgressMode.None) { NotePrefix = "centrifuge: average: ", NotesToError = true };
            AveragedModel result = WeightAveraging.Run(inputs, parse.GetValue(output)!, ParseWeights(parse.GetValue(weights)),
                parse.GetValue(force), update, progress);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonDefaults.Serialize(result));
                return ExitCodes.Ok;
            }
            string scale = result.TrainedAt is { } s ? $", trained at {s.Frames}x{s.Height}x{s.Width}" : "";
            string statistics = result.BatchNormBatches > 0 ? $", batch-norm statistics from {result.BatchNormBatches} training batches" : "";
            context.Output.WriteLine($"{result.Output}: the average of {result.Inputs.Length} model(s), {result.Parameters:N0} parameters{scale}{statistics}");
            for (int i = 0; i < result.Inputs.Length; i++)
                context.Output.WriteLine($"  {result.Weights[i]:F3}  {result.Inputs[i]}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static double[]? ParseWeights(string? text)
    {
        if (text is null) return null;
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new CentrifugeException($"--weights: '{parts[i]}' is not a number (expected e.g. 2,1,1)", ExitCodes.Usage);
        return values;
    }
}

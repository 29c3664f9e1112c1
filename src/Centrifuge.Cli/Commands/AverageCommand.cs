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
        var json = CommonOptions.Json();
        var command = new Command("average",
            "Average the weights of models fine-tuned from the same start (a model soup) or of a run's checkpoints (weight " +
            "averaging) into one model; with one training checkpoint, extract its model for evaluate and separate");
        command.Arguments.Add(models);
        foreach (Option o in new Option[] { output, weights, force, json }) command.Options.Add(o);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            TorchRuntime.EnsureLoaded();
            AveragedModel result = WeightAveraging.Run(parse.GetValue(models)!, parse.GetValue(output)!,
                ParseWeights(parse.GetValue(weights)), parse.GetValue(force));
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonDefaults.Serialize(result));
                return ExitCodes.Ok;
            }
            string scale = result.TrainedAt is { } s ? $", trained at {s.Frames}x{s.Height}x{s.Width}" : "";
            context.Output.WriteLine($"{result.Output}: the average of {result.Inputs.Length} model(s), {result.Parameters:N0} parameters{scale}");
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

using System.CommandLine;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Runtime;

namespace Centrifuge.Cli.Commands;

/// <summary>
/// `centrifuge strength`: the default strength a model file records (Models.StrengthSetting), which separate, demo and
/// evaluate use when --strength is not given; with --set, a copy of a checkpoint that records another.
/// </summary>
public static class StrengthCommand
{
    public static Command Create(CliContext context)
    {
        var model = CommonOptions.Model();
        var set = new Option<string?>("--set")
        {
            Description = "Record this default strength (a number from 0 to 1, or auto) in a copy of the checkpoint written to --out; " +
                          "weights, config and training scale unchanged",
        };
        var output = new Option<string?>("--out") { Description = "Model checkpoint to write with --set (the model itself with --force)" };
        var force = new Option<bool>("--force") { Description = "Replace an existing file" };
        var json = CommonOptions.Json("the recorded strength");
        var command = new Command("strength",
            "Show the strength a model's layers are written at when --strength is not given (recorded in the model file, else 1), " +
            "or record another with --set");
        foreach (Option o in new Option[] { model, set, output, force, json }) command.Options.Add(o);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            string checkpoint = CommonOptions.ModelOrShipped(parse, model);
            if (!File.Exists(checkpoint)) throw new CentrifugeException($"{checkpoint}: model not found", ExitCodes.MissingInput);
            if (parse.GetValue(set) is not { } text)
            {
                if (parse.GetValue(output) is not null)
                    throw new CentrifugeException("strength: --out writes a copy with --set STRENGTH; give --set", ExitCodes.Usage);
                Report(context, checkpoint, SeparationOptions.RecordedStrength(checkpoint), parse.GetValue(json));
                return ExitCodes.Ok;
            }
            if (parse.GetValue(output) is not { } target)
                throw new CentrifugeException("strength: --set writes a copy of the model: give --out FILE (the model itself with --force)", ExitCodes.Usage);
            StrengthSetting strength;
            try
            {
                strength = StrengthSetting.Parse(text);
            }
            catch (OptionException e)
            {
                throw new CentrifugeException($"--set {text}: {e.Reason}", ExitCodes.Usage);
            }
            TorchRuntime.EnsureLoaded();
            ModelCheckpoint.RecordStrength(checkpoint, target, strength, parse.GetValue(force));
            Report(context, target, ModelCheckpoint.ReadStrength(target)!, parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }

    // The recorded strength, or that none is recorded (the layers are then the model's own).
    private static void Report(CliContext context, string model, StrengthSetting? recorded, bool asJson)
    {
        StrengthSetting strength = recorded ?? StrengthSetting.Full;
        if (asJson)
        {
            context.Output.WriteLine(JsonDefaults.Serialize(new { Model = model, Recorded = recorded is not null, Strength = strength.ToString(), strength.Fixed, strength.Adaptive }));
            return;
        }
        string rule = strength.Adaptive is { } a
            ? FormattableString.Invariant($" (per window: {a.Low} where the layers' contrast alignment is {a.From} or less, rising to 1 at {a.To})")
            : "";
        context.Output.WriteLine(recorded is null
            ? $"{model}: no strength recorded: its layers are written at strength 1 (the model's own) unless --strength says otherwise"
            : $"{model}: default strength {strength}{rule}");
    }
}

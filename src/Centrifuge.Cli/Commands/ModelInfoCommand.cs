using System.CommandLine;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Spectre.Console;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge model-info`: parameter counts, encoder endpoint shapes and multiply-adds per clip of a preset.</summary>
public static class ModelInfoCommand
{
    public static Command Create(CliContext context)
    {
        var preset = new Option<string>("--preset") { Description = $"Model preset: {string.Join(", ", ModelPresets.Names)}", DefaultValueFactory = _ => "cpu-small" };
        var endpoint = new Option<I3dEndpoint?>("--endpoint") { Description = "Override the I3D endpoint: Mixed_3c, Mixed_4f, Mixed_5c" };
        var layers = new Option<int?>("--layers") { Description = "Override n, the number of output layers" };
        var clip = new Option<string>("--clip") { Description = "Clip size T,H,W for the multiply-add count", DefaultValueFactory = _ => "16,112,112" };
        var json = CommonOptions.Json();
        var command = new Command("model-info", "Show a model preset's parameter counts, encoder endpoint shapes and multiply-adds per clip");
        foreach (Option o in new Option[] { preset, endpoint, layers, clip, json }) command.Options.Add(o);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            TorchRuntime.EnsureLoaded();
            ModelConfig config = ModelPresets.Get(parse.GetValue(preset)!);
            if (parse.GetValue(endpoint) is { } e) config = config with { Endpoint = e };
            if (parse.GetValue(layers) is { } n) config = config with { Layers = n };
            ModelSummary summary = ModelSummary.Compute(config, ClipSize.Parse(parse.GetValue(clip)!));
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonDefaults.Serialize(summary));
                return ExitCodes.Ok;
            }
            context.Output.WriteLine($"encoder params {summary.EncoderParams:N0}, decoder params {summary.DecoderParams:N0}, total {summary.TotalParams:N0}");
            context.Output.WriteLine($"{summary.GmacsPerClip:F2} GMAC per clip of {summary.Clip.Joined("x")} (T x H x W)");
            var table = new Table().Border(TableBorder.Simple).AddColumn("endpoint").AddColumn("C, T, H, W");
            foreach ((string name, long[] shape) in summary.Endpoints) table.AddRow(name, string.Join(", ", shape));
            context.Console.Write(table);
            return ExitCodes.Ok;
        }));
        return command;
    }
}

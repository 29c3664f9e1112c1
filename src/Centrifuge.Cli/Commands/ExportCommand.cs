using System.CommandLine;
using Centrifuge.Export;
using Centrifuge.Runtime;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge export`: a model checkpoint to an ONNX file, checked in OnnxRuntime before it is kept (Export.OnnxExport).</summary>
public static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var model = CommonOptions.Model();
        var onnx = new Option<string>("--onnx") { Description = "ONNX file to write", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing ONNX file" };
        var json = CommonOptions.Json();
        var command = new Command("export",
            $"Export a model to ONNX (opset {OnnxExporter.Opset}; input video [batch, 3, time, height, width], output layers " +
            "[batch, n, 3, time, height, width], all but the channels dynamic), checked against TorchSharp in OnnxRuntime");
        foreach (Option o in new Option[] { model, onnx, force, json }) command.Options.Add(o);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            TorchRuntime.EnsureLoaded();
            OnnxExportResult result = OnnxExport.Run(CommonOptions.ModelOrShipped(parse, model), parse.GetValue(onnx)!, parse.GetValue(force));
            if (parse.GetValue(json))
                context.Output.WriteLine(JsonDefaults.Serialize(result));
            else
                context.Output.WriteLine(
                    $"{result.Checkpoint} -> {result.OnnxPath} ({result.Bytes / 1e6:F1} MB, opset {result.Opset}, {result.Parameters:N0} parameters); " +
                    $"OnnxRuntime vs TorchSharp on a {string.Join("x", result.CheckClip)} check clip: max |difference| {result.MaxAbsDifference:E2}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}

using System.CommandLine;
using Centrifuge.Runtime;
using Spectre.Console;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge doctor`: checks .NET, TorchSharp/libtorch, CUDA, ffmpeg and codecs; non-zero when anything is missing.</summary>
public static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json("the checks");
        var command = new Command("doctor", "Check that libtorch, ffmpeg and the codecs Centrifuge needs are working");
        command.Options.Add(json);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            IReadOnlyList<SystemCheck> checks = SystemReport.Run();
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonDefaults.Serialize(checks));
            }
            else
            {
                var table = new Table().Border(TableBorder.Simple).AddColumn("check").AddColumn("").AddColumn("found");
                foreach (SystemCheck c in checks)
                    table.AddRow(Markup.Escape(c.Name), c.Status ?? (c.Ok ? "ok" : "MISSING"), Markup.Escape(c.Found));
                context.Console.Write(table);
            }

            var failed = checks.Where(c => !c.Ok).ToList();
            foreach (SystemCheck c in failed)
                context.Error.WriteLine($"centrifuge: doctor: {c.Name}: {c.Found}" + (c.Fix is null ? "" : $" (fix: {c.Fix})"));
            return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Environment;
        }));
        return command;
    }
}

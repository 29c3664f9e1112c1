using System.CommandLine;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge demo`: separates sample videos with the shipped model (lands with the shipped-model issue).</summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "Separate sample videos with the shipped model and write demo-output/ (not yet available)");
        command.SetAction(parse => context.Execute(parse, () =>
            throw new CentrifugeException(
                "demo: not yet available: the shipped model has not been trained yet (see docs/ARCHITECTURE.md)",
                ExitCodes.Environment)));
        return command;
    }
}

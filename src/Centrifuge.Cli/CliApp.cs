using System.CommandLine;
using Centrifuge.Cli.Commands;

namespace Centrifuge.Cli;

/// <summary>Builds the `centrifuge` command tree. One file per command under Commands/; no algorithm lives here.</summary>
public static class CliApp
{
    /// <summary>Parses and runs one command line; output and error default to the console (tests pass writers).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var context = new CliContext(output ?? Console.Out, error ?? Console.Error);
        RootCommand root = BuildRoot(context);
        ParseResult parsed = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = context.Output, Error = context.Error };
        return parsed.Invoke(invocation);
    }

    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand(
            "Centrifuge: learn to split a video into the layers that compose it (reflections, shadows, colour casts).");
        root.Options.Add(CliContext.VerboseOption);
        foreach (Command command in Commands(context)) root.Subcommands.Add(command);
        return root;
    }

    private static IEnumerable<Command> Commands(CliContext context) =>
    [
        DoctorCommand.Create(context),
        DemoCommand.Create(context),
        ModelInfoCommand.Create(context),
    ];
}

using System.CommandLine;
using System.CommandLine.Help;
using Centrifuge.Cli.Commands;

namespace Centrifuge.Cli;

/// <summary>Builds the `centrifuge` command tree. One file per command under Commands/; no algorithm lives here.</summary>
public static class CliApp
{
    /// <summary>Parses and runs one command line; output and error default to the console (tests pass writers).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var context = new CliContext(output ?? Console.Out, error ?? Console.Error);
        Command root = BuildRoot(context);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && !parsed.Tokens.Any(t => t.Value is "--help" or "-h" or "-?"))
        {
            foreach (var parseError in parsed.Errors) context.Error.WriteLine($"centrifuge: usage: {parseError.Message}");
            context.Error.WriteLine("centrifuge: run with --help for the commands and their options");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration { Output = context.Output, Error = context.Error };
        return parsed.Invoke(invocation);
    }

    /// <summary>The root is named "centrifuge" whatever the host executable is called (dotnet Centrifuge.Cli.dll).</summary>
    public static Command BuildRoot(CliContext context)
    {
        var root = new Command("centrifuge",
            "Centrifuge: learn to split a video into the layers that compose it (reflections, shadows, colour casts).");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Options.Add(CliContext.VerboseOption);
        foreach (Command command in Commands(context)) root.Subcommands.Add(command);
        return root;
    }

    private static IEnumerable<Command> Commands(CliContext context) =>
    [
        DoctorCommand.Create(context),
        DemoCommand.Create(context),
        ProbeCommand.Create(context),
        PrepareCommand.Create(context),
        ModelInfoCommand.Create(context),
        SeparateCommand.Create(context),
        TrainCommand.Create(context),
        SamplesCommand.Create(context),
        EvaluateCommand.Create(context),
        ExperimentCommand.Create(context),
    ];
}

using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
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
        string[] errors = [.. parsed.Errors.Select(e => e.Message), .. UnknownOptions(parsed), .. EmptyValues(parsed)];
        if (errors.Length > 0 && !parsed.Tokens.Any(t => t.Value is "--help" or "-h" or "-?"))
        {
            foreach (string parseError in errors) context.Error.WriteLine($"centrifuge: usage: {parseError}");
            context.Error.WriteLine("centrifuge: run with --help for the commands and their options");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration { Output = context.Output, Error = context.Error };
        return parsed.Invoke(invocation);
    }

    /// <summary>
    /// Tokens that look like options but name none: System.CommandLine hands them to a command's file arguments (or to
    /// a multi-value option) as values. A file name that really starts with '-' goes after "--". Negative numbers pass.
    /// </summary>
    private static IEnumerable<string> UnknownOptions(ParseResult parsed)
    {
        foreach (Token token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) yield break;
            if (token.Type == TokenType.Argument && !parsed.UnmatchedTokens.Contains(token.Value) && token.Value.Length > 1 && token.Value[0] == '-' &&
                (char.IsLetter(token.Value[1]) || token.Value[1] == '-'))
                yield return $"unknown option '{token.Value}' (a file name that starts with '-' goes after '--')";
        }
    }

    /// <summary>An empty value ("") for an option or a file argument: no command has a use for one (`-o ""`).</summary>
    private static IEnumerable<string> EmptyValues(ParseResult parsed)
    {
        foreach (SymbolResult child in parsed.CommandResult.Children)
        {
            if (!child.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value))) continue;
            yield return child switch
            {
                OptionResult o => $"{o.Option.Name}: empty value",
                ArgumentResult a => $"{a.Argument.Name}: empty file name",
                _ => "empty argument",
            };
        }
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
        ExportCommand.Create(context),
        MergeShardsCommand.Create(context),
        AverageCommand.Create(context),
        StrengthCommand.Create(context),
    ];
}

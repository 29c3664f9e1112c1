using System.CommandLine;
using Spectre.Console;

namespace Centrifuge.Cli;

/// <summary>Where a command writes, and the one place that turns errors into a line and an exit code.</summary>
public sealed class CliContext
{
    /// <summary>--verbose: stack traces for errors, and more detail from commands that have it.</summary>
    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Show stack traces and more detail",
        Recursive = true,
    };

    public TextWriter Output { get; }
    public TextWriter Error { get; }

    /// <summary>A Spectre console bound to <see cref="Output"/> (plain text when it is not a terminal).</summary>
    public IAnsiConsole Console { get; }

    public CliContext(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
        bool terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    /// <summary>
    /// Runs a command body: a <see cref="CentrifugeException"/> becomes one line on stderr and its exit code; any
    /// other exception is a bug, reported in one line (with the stack trace under --verbose) and exit code 1.
    /// </summary>
    public int Execute(ParseResult parse, Func<int> body)
    {
        bool verbose = parse.GetValue(VerboseOption);
        Runtime.TorchRuntime.NativeWarnings = verbose;
        void Notice(string line) => Error.WriteLine("centrifuge: " + line);
        Runtime.KernelGuard.Notice += Notice;   // the kernel self-check, when it runs (once per CPU), says so
        try
        {
            return body();
        }
        catch (CentrifugeException e)
        {
            Error.WriteLine($"centrifuge: error: {OptionFlags.Describe(e, parse.CommandResult.Command)}");
            if (verbose) Error.WriteLine(e.ToString());
            return e.ExitCode;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Error.WriteLine($"centrifuge: internal error: {e.GetType().Name}: {e.Message.Split('\n')[0]}" +
                            (verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) Error.WriteLine(e.ToString());
            return ExitCodes.Internal;
        }
        finally
        {
            Runtime.KernelGuard.Notice -= Notice;
        }
    }
}

using System.CommandLine;

namespace Centrifuge.Cli;

/// <summary>
/// The command-line flag of each library option. The library names options as its configs do (snake_case) and knows
/// no flags; an <see cref="OptionException"/> or a refused output is turned into a line that names the flag to change.
/// </summary>
public static class OptionFlags
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["alpha"] = "--alpha",
        ["budget_minutes"] = "--budget-minutes",
        ["clip"] = "--clip",
        ["device"] = "--device",
        ["inputs_from"] = "--inputs-from",
        ["max_iterations"] = "--max-iterations",
        ["output_short_side"] = "--output-size",
        ["pairs"] = "--pairs",
        ["precision"] = "--precision",
        ["processing_short_side"] = "--size",
        ["runtime"] = "--runtime",
        ["seconds"] = "--seconds",
        ["shard"] = "--shard",
        ["tta"] = "--tta",
    };

    /// <summary>The flag of a library option; an option no command exposes keeps its library name.</summary>
    public static string Of(string option) => Flags.GetValueOrDefault(option, option);

    /// <summary>
    /// The one line printed for <paramref name="e"/> under <paramref name="command"/>: an option error names the flag; a
    /// refused existing output says which flag replaces it when the command has one.
    /// </summary>
    public static string Describe(CentrifugeException e, Command command) =>
        e is OptionException o ? $"{Of(o.Option)} {o.Value}: {o.Reason}" : Describe(e.Message, e.ExitCode, command);

    /// <summary>The line for a failure already reduced to its message and exit code (a batch item's outcome).</summary>
    public static string Describe(string message, int exitCode, Command command) =>
        exitCode == ExitCodes.OutputExists && !message.Contains("--force", StringComparison.Ordinal) &&
        command.Options.Any(option => option.Name == "--force")
            ? $"{message} (use --force to replace it)"
            : message;
}

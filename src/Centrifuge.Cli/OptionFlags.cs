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
        ["strength"] = "--strength",
        ["tta"] = "--tta",
    };

    /// <summary>The flag of a library option; an option no command exposes keeps its library name.</summary>
    public static string Of(string option) => Flags.GetValueOrDefault(option, option);

    /// <summary>
    /// The one line printed for <paramref name="e"/> under <paramref name="command"/>: an option error names the flag; a
    /// refused existing output says which flag replaces it when the command has one.
    /// </summary>
    public static string Describe(CentrifugeException e, Command command) =>
        e is OptionException o ? $"{Of(o.Option)} {o.Value}: {o.Reason}"
        : e.Remedy != Remedy.None ? $"{e.Message} ({Phrase(e.Remedy, e.RemedyDetail)})"
        : Describe(e.Message, e.ExitCode, command);

    /// <summary>A library <see cref="Remedy"/> in this CLI's terms: the flags and commands that carry it out.</summary>
    public static string Phrase(Remedy remedy, string? detail) => remedy switch
    {
        Remedy.FreeSpaceThenResume => "free some space, then run again with --resume",
        Remedy.ResumeOrStartOver => "pass --resume to continue that run or --force to start over",
        Remedy.OtherRunFolderOrStartOver => "use a new --out folder or --force",
        Remedy.RestoreCheckpointOrStartOver => "restore a checkpoint, or start over with --force",
        Remedy.SteadierTraining => "try --optimizer adam, a smaller --lr, or gradient_clip_norm in the config",
        Remedy.SeparateShardsFirst => $"run `centrifuge separate --shard K/N -o {detail}` first",
        Remedy.NameAModel => $"pass --model CKPT (e.g. a training run's best.ckpt) or set {detail}",
        Remedy.UseFp32 => "use --precision fp32",
        Remedy.PrepareCacheAtShortSide => $"prepare a cache with --short-side {detail}",
        Remedy.PrepareCache => $"build it with `centrifuge prepare --data SRC --cache {detail}`",
        Remedy.OtherCacheFolder => "use another --cache folder",
        Remedy.NamePresetOrConfig => $"give --preset ({detail}) or --config FILE",
        Remedy.NameTrainingData => $"--data is required: a folder of videos, a list, a Kinetics CSV, or {detail}",
        Remedy.ExtractStepModel => $"`centrifuge average {detail} --out MODEL.ckpt` makes a model of that step",
        Remedy.NameBatchNormConfig => "name the training config whose batches to use with --config FILE",
        _ => remedy.ToString(),
    };

    /// <summary>The line for a failure already reduced to its message and exit code (a batch item's outcome).</summary>
    public static string Describe(string message, int exitCode, Command command) =>
        exitCode == ExitCodes.OutputExists && !message.Contains("--force", StringComparison.Ordinal) &&
        command.Options.Any(option => option.Name == "--force")
            ? $"{message} (use --force to replace it)"
            : message;
}

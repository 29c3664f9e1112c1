using System.CommandLine;

namespace Centrifuge.Cli;

/// <summary>Options shared by several commands, defined once.</summary>
public static class CommonOptions
{
    /// <summary>--threads: libtorch's intra-op threads for every command that runs a model (null/0 = the default policy).</summary>
    public static Option<int?> Threads() => new("--threads")
    {
        Description = "libtorch threads (default: one per core; train --preset tiny: 1)",
    };
}

using Centrifuge.Cli;

namespace Centrifuge.Tests.Support;

/// <summary>The result of running one `centrifuge` command line in-process.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error);

/// <summary>Runs the real CLI (the same parser and commands as the executable) with captured output.</summary>
public static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// The built CLI (a project reference of the tests), for tests that need a real process: signals, kills, shell
    /// pipes. Skips the calling test when it has not been built.
    /// </summary>
    public static string ExecutableDll
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
            string dll = Path.Combine(Repo.Root, "src", "Centrifuge.Cli", "bin", configuration, "net10.0", "Centrifuge.Cli.dll");
            Skip.IfNot(File.Exists(dll), $"{dll} not built");
            return dll;
        }
    }
}

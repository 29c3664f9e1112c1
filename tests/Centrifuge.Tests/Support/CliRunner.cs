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
}

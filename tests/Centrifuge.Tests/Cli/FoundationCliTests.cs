using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Cli;

public class FoundationCliTests
{
    [Fact]
    public void Help_lists_every_command_with_a_line_each()
    {
        CliResult result = CliRunner.Run("--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("centrifuge [command] [options]", result.Output);
        foreach (string command in new[] { "doctor", "demo" })
            Assert.Matches($@"(?m)^\s+{command}\s+\S", result.Output);
    }

    [Fact]
    public void Doctor_reports_libtorch_running_and_ffmpeg_codecs()
    {
        CliResult result = CliRunner.Run("doctor", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Conv3d forward+backward ran", result.Output);
        Assert.Contains("libx264", result.Output);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Unknown_command_is_a_usage_error()
    {
        CliResult result = CliRunner.Run("no-such-command");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("no-such-command", result.Error);
    }
}

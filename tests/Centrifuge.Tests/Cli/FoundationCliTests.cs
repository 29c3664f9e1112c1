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
        Assert.Contains("libx264", result.Output);
        Assert.Equal("", result.Error);
        // Issue 27: the kernel self-check, re-run under the chosen setting: the CPU, oneDNN's ISA and the worst error.
        using var json = System.Text.Json.JsonDocument.Parse(result.Output);
        var rows = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        Assert.Contains(Centrifuge.Runtime.CpuIdentity.Read().ModelName, rows["CPU"].GetProperty("found").GetString());
        string kernels = rows["kernels"].GetProperty("found").GetString()!;
        Assert.True(rows["kernels"].GetProperty("ok").GetBoolean(), kernels);
        Assert.Contains("oneDNN ISA", kernels);
        Assert.Contains("worst error fp32", kernels);
        Assert.Contains("bf16 kernels", rows.Keys);
    }

    [Fact]
    public void Unknown_command_is_a_usage_error()
    {
        CliResult result = CliRunner.Run("no-such-command");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("no-such-command", result.Error);
    }

    /// <summary>Issue 19, item 8: an unknown option is a usage error before any work, for every command.</summary>
    [Theory]
    [InlineData("separate", "IN", "-o", "OUT", "--shards", "0/3")]
    [InlineData("separate", "IN", "-o", "OUT", "--forse")]
    [InlineData("probe", "IN", "--jsn")]
    [InlineData("prepare", "--data", "IN", "--frobnicate", "--cache", "OUT")]
    [InlineData("train", "--data", "IN", "--preset", "tiny", "--out", "OUT", "--itterations", "3")]
    [InlineData("evaluate", "--model", "IN", "--data", "IN", "--report", "OUT", "--forse")]
    public void An_unknown_option_is_a_usage_error_before_any_work(params string[] args)
    {
        using var dir = new TempDir();
        string input = dir.File("in.mp4");
        File.WriteAllBytes(input, [0, 0, 0, 8]);
        string output = dir.File("out");
        string unknown = args.First(a => a.StartsWith("--") && a is not ("--data" or "--cache" or "--preset" or "--out" or "--model" or "--report"));
        CliResult result = CliRunner.Run(args.Select(a => a switch { "IN" => input, "OUT" => output, _ => a }).ToArray());
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(unknown, result.Error);
        Assert.Equal("", result.Output);
        Assert.False(Path.Exists(output), "nothing may be written");
    }

    [Fact]
    public void A_file_name_starting_with_a_dash_follows_double_dash_and_negative_numbers_are_values()
    {
        using var dir = new TempDir();
        string dashed = dir.File("-clip.mp4");
        CliResult probe = CliRunner.Run("probe", "--", dashed);
        Assert.Equal(ExitCodes.MissingInput, probe.ExitCode);   // taken as a file, not as an option
        Assert.Contains($"{dashed}: no such file", probe.Error);

        CliResult negative = CliRunner.Run("separate", "-o", dir.File("out"), "--blend", dashed, dashed, "--alpha", "-0.5");
        Assert.Equal(ExitCodes.Usage, negative.ExitCode);
        Assert.Contains("--alpha -0.5: must be between 0 and 1", negative.Error);
    }

    [Fact]
    public void An_empty_output_or_input_is_a_usage_error_not_an_internal_error()
    {
        using var dir = new TempDir();
        CliResult emptyOut = CliRunner.Run("separate", dir.File("x.mp4"), "-o", "");
        Assert.Equal(ExitCodes.Usage, emptyOut.ExitCode);
        Assert.Contains("--output: empty value", emptyOut.Error);
        CliResult emptyIn = CliRunner.Run("probe", "");
        Assert.Equal(ExitCodes.Usage, emptyIn.ExitCode);
        Assert.DoesNotContain("internal error", emptyOut.Error + emptyIn.Error);
    }
}

using Centrifuge.Inference.Batch;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Cli;

/// <summary>The library names options as its configs do; the CLI alone turns them into flags.</summary>
public class OptionFlagsTests
{
    [Fact]
    public void Library_option_errors_name_no_flag()
    {
        foreach (OptionException e in new[]
        {
            Assert.Throws<OptionException>(() => ClipSize.Parse("16x64")),
            Assert.Throws<OptionException>(() => Precisions.Parse("fp8")),
            Assert.Throws<OptionException>(() => ShardSpec.Parse("4/4")),
            Assert.Throws<OptionException>(() => Separator.CheckAlpha(1.5)),
            Assert.Throws<OptionException>(() => new SeparationOptions { ProcessingShortSide = 4 }.Validate()),
        })
        {
            Assert.DoesNotContain("--", e.Message);
            Assert.Equal(ExitCodes.Usage, e.ExitCode);
        }
    }

    [Fact]
    public void The_cli_names_its_flag_for_a_library_option_error()
    {
        CliResult clip = CliRunner.Run("model-info", "--preset", "tiny", "--clip", "4x16");
        Assert.Equal(ExitCodes.Usage, clip.ExitCode);
        Assert.Equal("centrifuge: error: --clip '4x16': expected T,H,W (or TxHxW) as three positive integers, e.g. 16,64,64", clip.Error.Trim());

        CliResult size = CliRunner.Run("separate", "in.mp4", "-o", "out", "--model", "none.ckpt", "--size", "4");
        Assert.Equal(ExitCodes.Usage, size.ExitCode);
        Assert.Contains("centrifuge: error: --size 4: need at least 8 pixels", size.Error);
    }

    [Fact]
    public void Both_clip_spellings_are_accepted_by_every_command_that_takes_a_clip()
    {
        CliResult comma = CliRunner.Run("model-info", "--preset", "tiny", "--clip", "4,16,16", "--json");
        CliResult times = CliRunner.Run("model-info", "--preset", "tiny", "--clip", "4x16x16", "--json");
        Assert.Equal(0, comma.ExitCode);
        Assert.Equal(comma.Output, times.Output);
        Assert.Equal(ClipSize.Parse("4,16,16"), ClipSize.Parse("4x16x16"));
    }
}

using System.CommandLine;
using Centrifuge.Cli;
using Centrifuge.Runtime;

namespace Centrifuge.Tests.Cli;

/// <summary>Issue 29: an option shared by several commands is declared once and means the same thing everywhere.</summary>
public class CommonOptionsTests
{
    // train and experiment keep their own --model, --device and --precision for now (they differ: a checkpoint that
    // replaces a training, no default device, bf16 under autocast); every other command takes the shared ones.
    private static readonly string[] OwnDeclarations = ["train", "experiment"];

    [Theory]
    [InlineData("--model")]
    [InlineData("--threads")]
    [InlineData("--precision")]
    [InlineData("--device")]
    public void A_shared_option_has_one_description_and_default_in_every_command(string flag)
    {
        var found = new List<(string Command, string? Description, object? Default)>();
        foreach (Command command in CliApp.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null)).Subcommands)
        {
            if (flag != "--threads" && OwnDeclarations.Contains(command.Name)) continue;
            if (command.Options.FirstOrDefault(o => o.Name == flag) is not { } option) continue;
            found.Add((command.Name, option.Description, option.HasDefaultValue ? option.GetDefaultValue() : null));
        }
        Assert.True(found.Count >= 2, $"{flag} is in {found.Count} command(s)");
        Assert.Single(found.Select(f => (f.Description, f.Default)).Distinct());
    }

    [Fact]
    public void Json_says_print_as_json_in_every_command()
    {
        foreach (Command command in CliApp.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null)).Subcommands)
            if (command.Options.FirstOrDefault(o => o.Name == "--json") is { } json)
                Assert.Matches("^Print .+ as JSON( \\(.+\\))?$", json.Description);
    }

    [Fact]
    public void Threads_device_and_precision_are_read_into_one_compute_record()
    {
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var precision = CommonOptions.Precision();
        var command = new RootCommand { threads, device, precision };

        Assert.Equal(new ComputeOptions { Threads = 3, Precision = Precision.Bf16 },
            CommonOptions.Compute(command.Parse(["--threads", "3", "--precision", "bf16"]), threads, device, precision));
        ComputeOptions defaults = CommonOptions.Compute(command.Parse([]), threads);
        Assert.Equal(new ComputeOptions(), defaults);
        Assert.Equal(TorchRuntime.DefaultThreads, defaults.ResolvedThreads);
        Assert.Throws<OptionException>(() => CommonOptions.Compute(command.Parse(["--precision", "fp8"]), threads, device, precision));
    }
}

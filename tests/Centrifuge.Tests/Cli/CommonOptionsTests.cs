using System.CommandLine;
using Centrifuge.Cli;
using Centrifuge.Runtime;

namespace Centrifuge.Tests.Cli;

/// <summary>Issue 29: an option shared by several commands is declared once and means the same thing everywhere.</summary>
public class CommonOptionsTests
{
    [Theory]
    [InlineData("--model")]
    [InlineData("--threads")]
    [InlineData("--precision")]
    [InlineData("--device")]
    public void A_shared_option_means_one_thing_in_every_command(string flag)
    {
        // What a command may vary is a parameter of the one factory: what the option's absence means, in "(...)" after
        // the shared description; the description itself and the parsed type are the same everywhere.
        var found = new List<(string Command, string Description, Type Type, bool HasDefault)>();
        foreach (Command command in CliApp.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null)).Subcommands)
        {
            if (command.Options.FirstOrDefault(o => o.Name == flag) is not { } option) continue;
            string description = option.Description ?? "";
            found.Add((command.Name, description.Split(" (")[0], option.ValueType, option.HasDefaultValue));
        }
        Assert.True(found.Count >= 3, $"{flag} is in {found.Count} command(s)");
        Assert.Single(found.Select(f => (f.Description, f.Type, f.HasDefault)).Distinct());
        if (flag is "--device" or "--precision") Assert.Contains(found, f => f.Command == "train");
        if (flag is "--model" or "--device") Assert.Contains(found, f => f.Command == "experiment");
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

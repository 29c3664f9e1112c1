using System.CommandLine;
using System.Text.RegularExpressions;
using Centrifuge.Cli;
using Centrifuge.Inference.Batch;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Cli;

/// <summary>The library names options as its configs do; the CLI alone turns them into flags.</summary>
public partial class OptionFlagsTests
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

    [Fact]
    public void Every_remedy_the_library_gives_is_phrased_with_flags_the_cli_has()
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        void Walk(Command command)
        {
            foreach (Option option in command.Options) flags.Add(option.Name);
            foreach (Command sub in command.Subcommands) Walk(sub);
        }
        Walk(CliApp.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null)));

        foreach (Remedy remedy in Enum.GetValues<Remedy>().Where(r => r != Remedy.None))
        {
            string phrase = OptionFlags.Phrase(remedy, "DETAIL");
            Assert.NotEqual(remedy.ToString(), phrase);
            Assert.All(Flag().Matches(phrase).Select(m => m.Value), flag => Assert.True(flags.Contains(flag), $"{remedy}: '{phrase}' names {flag}, which no command has"));
        }
    }

    [Fact]
    public void A_library_error_with_a_remedy_reaches_the_user_phrased_by_the_cli()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("stale.txt"), "a previous run's file");
        CliResult train = CliRunner.Run("train", "--preset", "tiny", "--data", "synthetic:shapes", "--iterations", "1", "--out", dir.Path);
        Assert.Equal(ExitCodes.OutputExists, train.ExitCode);
        Assert.Equal($"centrifuge: error: {Path.GetFullPath(dir.Path)}: folder is not empty (pass --resume to continue that run or --force to start over)",
            train.Error.Trim().Split('\n')[^1]);

        CliResult merge = CliRunner.Run("merge-shards", dir.File("nothing"));
        Assert.Contains("run `centrifuge separate --shard K/N -o ", merge.Error);
    }

    /// <summary>
    /// The library's messages name no command-line flag: a remedy is data (<see cref="Remedy"/>) and an option is named
    /// as the configs name it. Only the kernel self-check's own child process takes flags, which it defines itself.
    /// </summary>
    [Fact]
    public void The_library_names_no_command_line_flag_in_its_strings()
    {
        string library = Path.Combine(Repo.Root, "src", "Centrifuge");
        string[] ownProtocol = ["Runtime/KernelGuard.cs", "Runtime/KernelCheckChild.cs"];
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(library, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || ownProtocol.Contains(relative)) continue;
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) ? "" : lines[i];
                foreach (Match literal in StringLiteral().Matches(code))
                    if (Flag().IsMatch(literal.Value) && !literal.Value.Contains("ffmpeg", StringComparison.Ordinal))
                        found.Add($"{relative}:{i + 1}: {literal.Value}");
            }
        }
        Assert.True(found.Count == 0, "the library names flags:\n" + string.Join("\n", found));
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z0-9-]*")]
    private static partial Regex Flag();

    [GeneratedRegex(@"\$?@?""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();
}

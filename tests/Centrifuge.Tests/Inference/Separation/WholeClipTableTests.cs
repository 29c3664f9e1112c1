using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Centrifuge.Losses;
using Centrifuge.Models;
using Centrifuge.Tests.Support;
using TorchSharp;

namespace Centrifuge.Tests.Inference.Separation;

/// <summary>
/// scripts/whole-clip-table.sh (the model card's whole-clip table) end to end on three small videos: every pair's PSNRi
/// is what `separate --blend` reports for it, STRENGTH reaches the model and not the reference, and the last line's
/// counts and sign test are those of <see cref="PairedComparison"/>.
/// </summary>
public partial class WholeClipTableTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    private static readonly string[] Flags = ["--size", "32", "--window", "8", "--overlap", "2", "--threads", "1"];

    [Fact]
    public async Task Every_pair_is_scored_as_separate_scores_it_and_compared_with_the_reference()
    {
        string dll = CliRunner.ExecutableDll;
        using var dir = new TempDir();
        string videos = dir.File("videos");
        Directory.CreateDirectory(videos);
        string third = clips.Generate("whole-clip-bars.mp4", "smptebars=size=64x48:rate=12", 30);
        foreach (string video in new[] { clips.BlendA, clips.BlendB, third })
            File.Copy(video, Path.Combine(videos, Path.GetFileName(video)));
        string reference = dir.File("reference.ckpt");
        torch.manual_seed(5);
        using (CentrifugeModel model = CentrifugeModel.Create(ModelPresets.Get("tiny")))
            ModelCheckpoint.Save(model, reference);

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(Repo.Root, "scripts", "whole-clip-table.sh"), videos, "--against", reference, "--" }.Concat(Flags))
            start.ArgumentList.Add(arg);
        start.Environment["CENTRIFUGE"] = $"dotnet {dll}";
        start.Environment["MODEL"] = clips.TinyModel;
        start.Environment["STRENGTH"] = "0.5";
        using var process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string table = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error + table);

        string[] files = [.. Directory.GetFiles(videos).Order(StringComparer.Ordinal)];
        var differences = new List<double>();
        for (int i = 0; i < files.Length; i++)
            for (int j = i + 1; j < files.Length; j++)
            {
                double mine = BlendPsnri(files[i], files[j], ["--model", clips.TinyModel, "--strength", "0.5"], dir);
                double theirs = BlendPsnri(files[i], files[j], ["--model", reference], dir);
                string row = $"| {Path.GetFileName(files[i])} + {Path.GetFileName(files[j])} | 30 | {Signed(mine)} | {Signed(theirs)} | {Signed(mine - theirs)} |";
                Assert.Contains(row, table);
                differences.Add(Math.Round(mine - theirs, 2));
            }

        Assert.Matches(@"3 pairs: median PSNRi [-+][0-9.]+ dB, win rate [0-9]+ % \([0-3] of 3\)\.", table);
        Match last = Comparison().Match(table);
        Assert.True(last.Success, table);
        // The script counts by the printed (rounded) difference.
        PairedComparison expected = PairedComparison.Of(differences, new double[differences.Count]);
        Assert.Equal(expected.Better, int.Parse(last.Groups["better"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(expected.Worse, int.Parse(last.Groups["worse"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(expected.Level, int.Parse(last.Groups["level"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(expected.SignTestP, double.Parse(last.Groups["p"].Value, CultureInfo.InvariantCulture), 3);
    }

    // The PSNRi `separate --blend A B` writes into summary.json, run in-process.
    private static double BlendPsnri(string a, string b, string[] model, TempDir dir)
    {
        string output = dir.File($"separate-{Guid.NewGuid():N}");
        CliResult run = CliRunner.Run(["separate", "--blend", a, b, "-o", output, .. model, .. Flags]);
        Assert.True(run.ExitCode == 0, run.Error);
        string folder = Directory.GetDirectories(output).Single(d => !Path.GetFileName(d).StartsWith('_'));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        return summary.RootElement.GetProperty("metrics").GetProperty("psnri").GetDouble();
    }

    private static string Signed(double value) => value.ToString("+0.00;-0.00;+0.00", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Against reference\.ckpt: better on (?<better>\d+), worse on (?<worse>\d+), level on (?<level>\d+) of 3 pairs; mean difference [-+][0-9.]+ dB; sign test p = (?<p>[0-9.e-]+)\.")]
    private static partial Regex Comparison();
}

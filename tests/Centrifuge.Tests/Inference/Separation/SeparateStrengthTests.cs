using System.Text.Json;
using Centrifuge.Inference.Output;
using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Inference.Separation;

/// <summary>`separate --strength s|auto` end to end (the interpolation itself: Models/LayerStrengthTests, AdaptiveStrengthTests).</summary>
public class SeparateStrengthTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    [Fact]
    public void Separate_writes_the_strength_and_scores_a_blend_within_the_bound_and_refuses_a_bad_value()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        string[] common = Common(clips.TinyModel);
        JsonElement Summary(string strength) => Separate(dir.File($"out-{strength}"), ["--strength", strength, .. common]);
        JsonElement full = Summary("1"), half = Summary("0.5"), none = Summary("0");
        Assert.False(full.TryGetProperty("strength", out _));
        Assert.Equal(0.5, half.GetProperty("strength").GetDouble());
        Assert.Equal(0, none.GetProperty("strength").GetDouble());
        double Loss(JsonElement s) => s.GetProperty("metrics").GetProperty("loss").GetDouble();
        Assert.Equal(0, none.GetProperty("metrics").GetProperty("psnri").GetDouble(), 2);   // the input itself: no change
        Assert.True(Loss(half) <= (Loss(none) + Loss(full)) / 2 + 1e-4, $"{Loss(half)} against {Loss(none)} and {Loss(full)}");

        CliResult bad = CliRunner.Run(["separate", "-o", dir.File("bad"), "--strength", "2", .. common]);
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("--strength 2:", bad.Error);
        Assert.DoesNotContain("   at ", bad.Error);
        Assert.False(Directory.Exists(dir.File("bad")));
        Assert.Throws<OptionException>(() => new SeparationOptions { Strength = 2 }.Validate());

        // auto: the rule and the strength of every window are recorded, each within the rule's range.
        JsonElement auto = Summary("auto");
        Assert.False(auto.TryGetProperty("strength", out _));
        JsonElement rule = auto.GetProperty("adaptive_strength");
        Assert.Equal(0.25, rule.GetProperty("low").GetDouble());
        Assert.Equal(0.35, rule.GetProperty("from").GetDouble());
        Assert.Equal(0.55, rule.GetProperty("to").GetDouble());
        double[] windows = [.. auto.GetProperty("window_strengths").EnumerateArray().Select(w => w.GetDouble())];
        Assert.Equal(new WindowPlanner(8, 2).Plan(auto.GetProperty("frames").GetInt32()).Count, windows.Length);
        Assert.All(windows, w => Assert.InRange(w, 0.25, 1));
        Assert.False(full.TryGetProperty("window_strengths", out _));

        CliResult word = CliRunner.Run(["separate", "-o", dir.File("word"), "--strength", "gentle", .. common]);
        Assert.Equal(ExitCodes.Usage, word.ExitCode);
        Assert.Contains("--strength gentle:", word.Error);
        Assert.Contains("auto", word.Error);
        Assert.False(Directory.Exists(dir.File("word")));
    }

    /// <summary>A model file that records a strength is written at it when --strength is not given, and at --strength when it is.</summary>
    [Fact]
    public void Separate_writes_the_layers_at_the_strength_the_model_records_unless_told_otherwise()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        string auto = dir.File("auto.ckpt");
        ModelCheckpoint.RecordStrength(clips.TinyModel, auto, StrengthSetting.Auto, force: false);
        JsonElement recorded = Separate(dir.File("recorded"), Common(auto));
        Assert.Equal(0.25, recorded.GetProperty("adaptive_strength").GetProperty("low").GetDouble());
        Assert.NotEmpty(recorded.GetProperty("window_strengths").EnumerateArray());
        JsonElement asked = Separate(dir.File("asked"), ["--strength", "1", .. Common(auto)]);
        Assert.False(asked.TryGetProperty("adaptive_strength", out _));
        Assert.False(asked.TryGetProperty("strength", out _));
    }

    /// <summary>`--skip-existing` keeps a result written at the run's strength and redoes one written at another.</summary>
    [Fact]
    public void Skip_existing_redoes_an_output_written_at_another_strength()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        string output = dir.File("out");
        string[] common = ["separate", clips.BlendA, "-o", output, "--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2", "--skip-existing"];
        string summary = Path.Combine(output, SeparationOutputFolder.NameOf(clips.BlendA), "summary.json");
        CliResult first = CliRunner.Run([.. common, "--strength", "0.5"]);
        Assert.True(first.ExitCode == 0, first.Error);
        DateTime written = File.GetLastWriteTimeUtc(summary);

        CliResult same = CliRunner.Run([.. common, "--strength", "0.5"]);
        Assert.True(same.ExitCode == 0, same.Error);
        Assert.Equal(written, File.GetLastWriteTimeUtc(summary));   // kept

        CliResult other = CliRunner.Run([.. common, "--strength", "auto"]);
        Assert.True(other.ExitCode == 0, other.Error);
        Assert.Contains("its layers were written at strength 0.5, this run's is auto; separating it again", other.Error);
        using JsonDocument redone = JsonDocument.Parse(File.ReadAllText(summary));
        Assert.True(redone.RootElement.TryGetProperty("adaptive_strength", out _));
        Assert.False(redone.RootElement.TryGetProperty("strength", out _));
    }

    private string[] Common(string model) =>
        ["--blend", clips.BlendA, clips.BlendB, "--model", model, "--size", "32", "--window", "8", "--overlap", "2"];

    // summary.json of `separate -o output args` (one input).
    private static JsonElement Separate(string output, string[] args)
    {
        CliResult run = CliRunner.Run(["separate", "-o", output, .. args]);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        string folder = Directory.GetDirectories(output).Single(d => !Path.GetFileName(d).StartsWith('_'));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        return doc.RootElement.Clone();
    }
}

using System.Text.Json;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Evaluation.Experiments;

/// <summary>
/// Every protocol end to end through the CLI on a tiny budget: training through the Trainer (1 iteration per model),
/// scoring held-out pairs, and the three report files. One class per protocol.
/// </summary>
public static class ExperimentSmoke
{
    /// <summary>Runs the protocol; returns results.json's root, after checking the files and the exit code.</summary>
    public static JsonElement Run(string name, TempDir dir, params string[] extra)
    {
        string output = dir.File("out");
        CliResult result = CliRunner.Run(SmokeData.Args(name, output, extra));
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (string file in new[] { "results.md", "results.json", "chart.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        byte[] png = File.ReadAllBytes(Path.Combine(output, "chart.png"));
        Assert.Equal((byte)'P', png[1]);
        string markdown = File.ReadAllText(Path.Combine(output, "results.md"));
        Assert.Contains("**Paper.**", markdown);
        Assert.Contains($"- command: `centrifuge experiment {name} --data ", markdown);   // spelled by the CLI, not the library
        Assert.Contains("| ", result.Output);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.Equal(name, doc.RootElement.GetProperty("experiment").GetString());
        return doc.RootElement.Clone();
    }

    public static void Finite(JsonElement loss, double low = 0, double high = 10)
    {
        Assert.Equal(JsonValueKind.Number, loss.ValueKind);
        double v = loss.GetDouble();
        Assert.InRange(v, low, high);
    }
}

public class LayersExperimentTests
{
    [Fact]
    public void Layers_trains_five_models_and_scores_them_against_table_2()
    {
        using var dir = new TempDir();
        JsonElement root = ExperimentSmoke.Run("layers", dir);
        JsonElement variants = root.GetProperty("measurements").GetProperty("variants");
        Assert.Equal(5, variants.GetArrayLength());
        foreach (JsonElement v in variants.EnumerateArray()) ExperimentSmoke.Finite(v.GetProperty("loss"), 1e-6);
        Assert.Equal(5, root.GetProperty("models").GetArrayLength());
        Assert.All(root.GetProperty("models").EnumerateArray(), m => Assert.Equal(1, m.GetProperty("iterations").GetInt64()));
        Assert.True(File.Exists(Path.Combine(dir.File("out"), "runs", "predictor-corrector-n4", "model.ckpt")));

        // The results are not overwritten without --force.
        CliResult again = CliRunner.Run(SmokeData.Args("layers", dir.File("out")));
        Assert.Equal(ExitCodes.OutputExists, again.ExitCode);
    }
}

public class DepthExperimentTests
{
    [Fact]
    public void Depth_trains_one_model_per_encoder_endpoint()
    {
        using var dir = new TempDir();
        JsonElement variants = ExperimentSmoke.Run("depth", dir).GetProperty("measurements").GetProperty("variants");
        Assert.Equal(["Mixed_3c", "Mixed_4f", "Mixed_5c"], variants.EnumerateArray().Select(v => v.GetProperty("endpoint").GetString()!).ToArray());
        foreach (JsonElement v in variants.EnumerateArray()) ExperimentSmoke.Finite(v.GetProperty("loss"), 1e-6);
    }
}

public class FrozenExperimentTests
{
    [Fact]
    public void Frozen_scores_both_models_on_three_test_sets_with_diversity()
    {
        using var dir = new TempDir();
        JsonElement m = ExperimentSmoke.Run("frozen", dir).GetProperty("measurements");
        Assert.Equal(3, m.GetProperty("identity").GetArrayLength());
        JsonElement trained = m.GetProperty("trained");
        Assert.Equal(["frozen", "normal"], trained.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        foreach (JsonElement t in trained.EnumerateArray())
            foreach (JsonElement s in t.GetProperty("scores").EnumerateArray())
            {
                ExperimentSmoke.Finite(s.GetProperty("loss"), 1e-6);
                ExperimentSmoke.Finite(s.GetProperty("diversity"), 1e-9);   // two distinct random-ish outputs
            }
    }
}

public class ColorsExperimentTests
{
    [Fact]
    public void Colors_tests_a_given_model_on_the_eight_pure_colours()
    {
        using var dir = new TempDir();
        JsonElement root = ExperimentSmoke.Run("colors", dir, "--model", SmokeData.Checkpoint);
        JsonElement colours = root.GetProperty("measurements").GetProperty("colours");
        Assert.Equal(["black", "white", "red", "green", "blue", "yellow", "cyan", "magenta"],
            colours.EnumerateArray().Select(c => c.GetProperty("colour").GetString()!).ToArray());
        foreach (JsonElement c in colours.EnumerateArray()) ExperimentSmoke.Finite(c.GetProperty("model").GetProperty("loss"), 1e-6);
        Assert.Single(root.GetProperty("models").EnumerateArray());
        // Nothing was trained, so the report states no training recipe.
        string setup = File.ReadAllText(Path.Combine(dir.File("out"), "results.md")).Split("## Setup")[1];
        Assert.Contains("- no training (model given)", setup);
        Assert.DoesNotContain(" lr ", setup);
    }
}

public class SameClassExperimentTests
{
    [Fact]
    public void Same_class_compares_pairings_on_a_given_model()
    {
        using var dir = new TempDir();
        JsonElement m = ExperimentSmoke.Run("same-class", dir, "--model", SmokeData.Checkpoint).GetProperty("measurements");
        ExperimentSmoke.Finite(m.GetProperty("random").GetProperty("model").GetProperty("loss"), 1e-6);
        ExperimentSmoke.Finite(m.GetProperty("same_class").GetProperty("model").GetProperty("loss"), 1e-6);
        Assert.InRange(m.GetProperty("classes").GetInt32(), 1, 2);   // folders a/ and b/
    }
}

public class KLayersExperimentTests
{
    [Fact]
    public void K_layers_tests_models_trained_on_two_and_three_video_blends()
    {
        using var dir = new TempDir();
        JsonElement m = ExperimentSmoke.Run("k-layers", dir).GetProperty("measurements");
        Assert.Equal(3, m.GetProperty("outputs").GetInt32());
        JsonElement identity = m.GetProperty("identity");
        // Identity on 3-blends sums three layer losses: larger than on 2-blends of the same videos.
        Assert.True(identity[1].GetProperty("loss").GetDouble() > identity[0].GetProperty("loss").GetDouble());
        Assert.Equal(2, m.GetProperty("trained").GetArrayLength());
    }
}

public class DownstreamExperimentTests
{
    [Fact]
    public void Downstream_scores_mixed_unmixed_and_clean_pairs_with_the_paper_rule()
    {
        using var dir = new TempDir();
        JsonElement m = ExperimentSmoke.Run("downstream", dir, "--model", SmokeData.Checkpoint).GetProperty("measurements");
        JsonElement accuracy = m.GetProperty("accuracy");
        Assert.Equal(["mixed", "unmixed", "clean"], accuracy.EnumerateArray().Select(a => a.GetProperty("condition").GetString()!).ToArray());
        foreach (JsonElement a in accuracy.EnumerateArray())
        {
            double v = a.GetProperty("accuracy").GetDouble();
            Assert.InRange(v, 0, 1);
            Assert.Equal(0, v * 2 * 2 % 1, 9);   // 2 pairs, each scored 0, 0.5 or 1
        }
        Assert.True(m.GetProperty("classes").GetInt32() >= 2);
        Assert.Equal(1, m.GetProperty("classifier_iterations").GetInt64());
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

/// <summary>`--config base.json --config patch.json`: a later file overrides exactly what it names.</summary>
public class ConfigLayersTests
{
    private static string Configs(string name) => Path.Combine(Repo.Root, "configs", name);

    [Fact]
    public void A_patch_overrides_only_what_it_names()
    {
        using var dir = new TempDir();
        string patch = dir.File("patch.json");
        File.WriteAllText(patch, """{ "model": { "layers": 4 }, "data": { "camera_motion": { "max_pan": 0.25 } }, "iterations": 7 }""");
        TrainingConfig before = TrainingConfig.Load(Configs("cpu-small-default.json"));
        TrainingConfig after = TrainingConfig.Load([Configs("cpu-small-default.json"), patch]);

        TrainingConfig expected = before with
        {
            Model = before.Model with { Layers = 4 },
            Data = before.Data with { CameraMotion = before.Data.CameraMotion with { MaxPan = 0.25 } },
            Iterations = 7,
        };
        Assert.Equal(JsonDefaults.Serialize(expected), JsonDefaults.Serialize(after));
        Assert.NotEqual(JsonDefaults.Serialize(before), JsonDefaults.Serialize(after));
    }

    [Fact]
    public void Objects_merge_while_arrays_numbers_and_null_replace()
    {
        var target = (JsonObject)JsonNode.Parse("""{ "a": { "x": 1, "y": [1, 2, 3] }, "b": { "z": 1 }, "c": 5 }""")!;
        var patch = (JsonObject)JsonNode.Parse("""{ "a": { "y": [9] }, "b": null, "d": { "e": true } }""")!;
        JsonLayers.Merge(target, patch);
        Assert.Equal("""{"a":{"x":1,"y":[9]},"b":null,"c":5,"d":{"e":true}}""", target.ToJsonString());
        Assert.Equal("""{"a":{"y":[9]},"b":null,"d":{"e":true}}""", patch.ToJsonString());   // the patch itself is not consumed
    }

    [Fact]
    public void A_missing_or_broken_layer_is_named_in_one_line()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("broken.json"), "{ \"model\": ");
        var missing = Assert.Throws<CentrifugeException>(() => TrainingConfig.Load([Configs("cpu-small-default.json"), dir.File("none.json")]));
        Assert.Equal((ExitCodes.MissingInput, $"{dir.File("none.json")}: training config not found"), (missing.ExitCode, missing.Message));
        var broken = Assert.Throws<CentrifugeException>(() => TrainingConfig.Load([Configs("cpu-small-default.json"), dir.File("broken.json")]));
        Assert.Equal(ExitCodes.InvalidInput, broken.ExitCode);
        Assert.StartsWith($"{dir.File("broken.json")}: not a valid training config", broken.Message);
        Assert.DoesNotContain('\n', broken.Message);
    }

    [Theory]
    [InlineData("""{ "iteratons": 7 }""", "unknown key 'iteratons' in this training config (did you mean 'iterations'?)")]
    [InlineData("""{ "data": { "batch_sise": 2 } }""", "unknown key 'data.batch_sise' in this training config (did you mean 'data.batch_size'?)")]
    [InlineData("""{ "model": { "layers": 3, "colour": 1 } }""", "unknown key 'model.colour' in this training config")]
    [InlineData("""{ "seed": 1, "seed": 2 }""", "'seed'")]
    public void An_unknown_or_duplicate_key_is_one_line_naming_the_key_and_the_file(string json, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("patch.json"), json);
        var e = Assert.Throws<CentrifugeException>(() => TrainingConfig.Load([Configs("cpu-small-default.json"), dir.File("patch.json")]));
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
        Assert.StartsWith(dir.File("patch.json") + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);

        CliResult cli = CliRunner.Run("train", "--data", TrainingConfig.SyntheticShapes, "--config", dir.File("patch.json"), "--out", dir.File("run"));
        Assert.Equal(ExitCodes.InvalidInput, cli.ExitCode);
        Assert.Equal($"centrifuge: error: {e.Message}", cli.Error.Trim());
    }

    [Fact]
    public void Train_layers_its_config_on_the_preset_it_names()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("patch.json"), """{ "iterations": 2, "seed": 9 }""");
        string run = dir.File("run");
        CliResult result = CliRunner.Run("train", "--data", TrainingConfig.SyntheticShapes, "--preset", "tiny", "--config", dir.File("patch.json"),
            "--out", run, "--threads", "1", "--clip", "2,16,16", "--batch", "2", "--val-every", "2");
        Assert.True(result.ExitCode == 0, result.Error);
        TrainingConfig written = TrainingConfig.Load(Path.Combine(run, "config.json"));
        TrainingConfig tiny = TrainingPresets.Get("tiny");
        Assert.Equal((2L, 9), (written.Iterations, written.Seed));
        Assert.Equal((JsonDefaults.Serialize(tiny.Model), tiny.LearningRate), (JsonDefaults.Serialize(written.Model), written.LearningRate));   // the preset's
        Assert.NotEqual(new TrainingConfig().LearningRate, written.LearningRate);
    }

    [Fact]
    public void Train_layers_its_config_files_in_order_and_flags_on_top()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("base.json"), JsonDefaults.Serialize(TrainingPresets.Get("tiny")));
        File.WriteAllText(dir.File("patch.json"), """{ "iterations": 2, "model": { "layers": 3 }, "seed": 9 }""");
        File.WriteAllText(dir.File("later.json"), """{ "seed": 11 }""");
        string run = dir.File("run");
        CliResult result = CliRunner.Run("train", "--data", TrainingConfig.SyntheticShapes, "--config", dir.File("base.json"),
            "--config", dir.File("patch.json"), "--config", dir.File("later.json"), "--out", run, "--threads", "1",
            "--clip", "2,16,16", "--batch", "2", "--val-every", "2");
        Assert.True(result.ExitCode == 0, result.Error);
        TrainingConfig written = TrainingConfig.Load(Path.Combine(run, "config.json"));
        Assert.Equal((2L, 3, 11, 2), (written.Iterations, written.Model.Layers, written.Seed, written.Data.BatchSize));
        Assert.Equal(TrainingPresets.Get("tiny").LearningRate, written.LearningRate);   // not named by any patch
    }

    /// <summary>
    /// The variants were full copies of the base config with one change; now each is a patch on variants/baseline.json,
    /// itself a patch on cpu-small-default.json. These fingerprints are of the full files as they were (2026-11-30,
    /// keys sorted): the layers must give exactly the same documents.
    /// </summary>
    [Theory]
    [InlineData("baseline", "978d1f875b8ef64b")]
    [InlineData("alpha-fixed", "a1c363ad143dc422")]
    [InlineData("baseline-seed2", "eb13b518f2bbe388")]
    [InlineData("batch12", "4ffd2ed04874f329")]
    [InlineData("corrector", "00507d5ee7fece1d")]
    [InlineData("layers4", "650c31ebbd7362e9")]
    [InlineData("no-jitter", "d162f8b8824de982")]
    [InlineData("photo-half", "08a7e4ecb5221966")]
    [InlineData("real-only", "2606c6a626a1e76c")]
    [InlineData("sgd-paper", "a8309803d9250c29")]
    public void Each_variant_is_the_same_config_as_its_old_full_file(string variant, string fingerprint)
    {
        string[] layers = [Configs("cpu-small-default.json"), Configs("variants/baseline.json"), Configs($"variants/{variant}.json")];
        Assert.Equal(fingerprint, Fingerprint(JsonLayers.Read(layers, "training config")));
        Assert.InRange(File.ReadAllLines(Configs($"variants/{variant}.json")).Length, 1, 20);   // a patch, not a copy
        TrainingConfig.Load(layers).Validate();
    }

    // SHA-256 of the document with its keys sorted, numbers as written: independent of formatting and key order.
    internal static string Fingerprint(JsonNode? node) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(node))))[..16];

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":{Canonical(p.Value)}")) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}

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
    /// keys sorted): the layers on the full copy of cpu-small-default.json (FullConfigs/) must give exactly the same documents.
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
        string[] layers = [FullCopy("cpu-small-default.json"), Configs("variants/baseline.json"), Configs($"variants/{variant}.json")];
        Assert.Equal(fingerprint, Fingerprint(JsonLayers.Read(layers, "training config")));
        Assert.InRange(File.ReadAllLines(Configs($"variants/{variant}.json")).Length, 1, 20);   // a patch, not a copy
        TrainingConfig.Load(layers).Validate();
    }

    /// <summary>
    /// The shipped configs were full copies (FullConfigs/: the files as they were at 551c429, before they became patches
    /// on a base); each must still give the same effective config, alone and with every variant layered on it, as the
    /// scripts use them. Comparing loaded configs, not documents, keeps this true when a field with a default is added.
    /// </summary>
    [Theory]
    [InlineData("cpu-small-default.json")]
    [InlineData("cpu-small-default-leg1.json")]
    [InlineData("cpu-small-composite.json")]
    public void Each_shipped_config_is_the_same_config_as_its_old_full_copy(string name)
    {
        Assert.Equal(Effective([FullCopy(name)]), Effective([Configs(name)]));
        Assert.InRange(File.ReadAllLines(Configs(name)).Length, 1, 20);   // a patch, not a copy
        foreach (string variant in Directory.GetFiles(Configs("variants"), "*.json").Order(StringComparer.Ordinal))
        {
            Assert.Equal(Effective([FullCopy(name), variant]), Effective([Configs(name), variant]));
            Assert.Equal(Effective([FullCopy(name), Configs("variants/baseline.json"), variant]),
                Effective([Configs(name), Configs("variants/baseline.json"), variant]));
        }
        Assert.Equal(TrainingConfig.Load(FullCopy(name)).Validate().Iterations, TrainingConfig.Load(Configs(name)).Iterations);
    }

    [Fact]
    public void Train_with_a_shipped_config_alone_composes_its_old_full_copy()
    {
        using var dir = new TempDir();
        var overrides = new TrainingOverrides { Sources = [TrainingConfig.SyntheticShapes] };
        RunFolder folder = RunFolder.Open(dir.File("run"), resume: false, force: false);
        TrainingConfig composed = TrainingSetup.Compose(folder, false, null, [Configs("cpu-small-default-leg1.json")], overrides);
        Assert.Equal(JsonDefaults.Serialize(overrides.ApplyTo(TrainingConfig.Load(FullCopy("cpu-small-default-leg1.json")))),
            JsonDefaults.Serialize(composed));
    }

    [Fact]
    public void A_base_is_found_beside_the_file_that_names_it_and_comes_first()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("sub"));
        File.WriteAllText(dir.File("root.json"), """{ "preset": "tiny", "seed": 5, "iterations": 9 }""");
        File.WriteAllText(dir.File("sub/patch.json"), """{ "base": "../root.json", "seed": 7 }""");
        TrainingConfig config = TrainingConfig.Load([dir.File("sub/patch.json")]);
        TrainingConfig tiny = TrainingPresets.Get("tiny");
        Assert.Equal(JsonDefaults.Serialize(tiny with { Seed = 7, Iterations = 9 }), JsonDefaults.Serialize(config));
        Assert.Equal(JsonDefaults.Serialize(config), JsonDefaults.Serialize(TrainingConfig.Load([dir.File("sub/patch.json")], "tiny")));   // the same preset, named twice
    }

    [Theory]
    [InlineData("""{ "base": "b.json" }""", """{ "base": "a.json" }""", "a.json: its bases form a cycle (a.json -> b.json -> a.json)")]
    [InlineData("""{ "base": "a.json" }""", """{ }""", "a.json: its bases form a cycle (a.json -> a.json)")]
    [InlineData("""{ "base": "b.json" }""", """{ "iteratons": 3 }""", "b.json: unknown key 'iteratons' in this training config (did you mean 'iterations'?)")]
    [InlineData("""{ "base": "c.json" }""", """{ }""", "a.json: its base ")]
    [InlineData("""{ "base": 3 }""", """{ }""", "a.json: 'base' must be a file name or a preset name (a string)")]
    [InlineData("""{ "base": "b.json", "preset": "tiny" }""", """{ }""", "a.json: names both a base and a preset")]
    [InlineData("""{ "base": "b.json" }""", """{ "preset": "huge" }""", "b.json: model preset 'huge': expected one of")]
    [InlineData("""{ "base": "b.json", "base": "a.json" }""", """{ }""", "a.json: not a valid training config")]
    public void A_bad_base_is_one_line_naming_the_file(string a, string b, string expected)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("a.json"), a);
        File.WriteAllText(dir.File("b.json"), b);
        var e = Assert.Throws<CentrifugeException>(() => TrainingConfig.Load([dir.File("a.json")]));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_preset_is_named_once_where_the_layers_start()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("patch.json"), """{ "seed": 3 }""");
        var other = Assert.Throws<CentrifugeException>(() => TrainingConfig.Load([Configs("cpu-small-default.json")], "tiny"));
        Assert.Equal((ExitCodes.Usage, $"{Configs("cpu-small-default.json")}: is a patch on preset 'cpu-small', not on preset 'tiny' as asked: name one preset"),
            (other.ExitCode, other.Message));
        var later = Assert.Throws<CentrifugeException>(() => TrainingConfig.Load([dir.File("patch.json"), Configs("cpu-small-default-leg1.json")]));
        Assert.StartsWith($"{Configs("cpu-small-default.json")}: names preset 'cpu-small', but it is layered on {dir.File("patch.json")}", later.Message);

        using var cli = new TempDir();
        CliResult result = CliRunner.Run("train", "--data", TrainingConfig.SyntheticShapes, "--preset", "tiny", "--config", Configs("cpu-small-default.json"),
            "--out", cli.File("run"));
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal($"centrifuge: error: {other.Message}", result.Error.Trim());
    }

    private static string FullCopy(string name) => Path.Combine(Repo.Root, "tests", "Centrifuge.Tests", "Training", "FullConfigs", name);

    private static string Effective(IReadOnlyList<string> layers) => JsonDefaults.Serialize(TrainingConfig.Load(layers));

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

using Centrifuge.Inference.Separation;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using TorchSharp;

namespace Centrifuge.Tests.Models;

/// <summary>A model file may record the strength its layers are written at by default (StrengthSetting).</summary>
public class RecordedStrengthTests
{
    [Fact]
    public void Parse_reads_auto_and_numbers_and_names_the_option_for_anything_else()
    {
        Assert.Equal(StrengthSetting.Auto, StrengthSetting.Parse(" AUTO "));
        Assert.Equal(new StrengthSetting(0.5), StrengthSetting.Parse("0.5"));
        Assert.Equal(StrengthSetting.Full, StrengthSetting.Parse("1"));
        Assert.Equal("auto", StrengthSetting.Auto.ToString());
        Assert.Equal("0.5", new StrengthSetting(0.5).ToString());
        Assert.Equal("auto (0.5 to 1 over 0.2-0.6)", new StrengthSetting(1, new AdaptiveStrength(0.5, 0.2, 0.6)).ToString());
        foreach (string bad in new[] { "2", "-0.1", "NaN", "gentle" })
            Assert.Equal("strength", Assert.Throws<OptionException>(() => StrengthSetting.Parse(bad)).Option);
        // A fixed strength beside a rule, or a bad rule, read from a file is that file's fault, named.
        foreach (var recorded in new[] { new StrengthSetting(0.5, AdaptiveStrength.Default), new StrengthSetting(1, new AdaptiveStrength(0.25, 0.6, 0.2)) })
        {
            var e = Assert.Throws<CentrifugeException>(() => StrengthSetting.Recorded(recorded, "m.ckpt"));
            Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
            Assert.StartsWith("m.ckpt: the recorded strength is not valid", e.Message);
        }
    }

    [Fact]
    public void A_checkpoint_records_a_strength_beside_its_scale_and_a_copy_changes_only_that()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        torch.manual_seed(11);
        using var model = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        using (torch.no_grad())
        using (var x = torch.rand(new long[] { 2, 3, 4, 16, 16 }))
            model.forward(x).Dispose();   // batch-norm statistics away from their initial values
        var scale = new TrainingScale(8, 32, 32, 40);
        string plain = dir.File("plain.ckpt"), auto = dir.File("auto.ckpt"), half = dir.File("half.ckpt");
        ModelCheckpoint.Save(model, plain, scale);
        Assert.Null(ModelCheckpoint.ReadStrength(plain));
        Assert.Equal(StrengthSetting.Full, SeparationOptions.StrengthFor(plain, null));

        ModelCheckpoint.RecordStrength(plain, auto, StrengthSetting.Auto, force: false);
        Assert.Equal(StrengthSetting.Auto, ModelCheckpoint.ReadStrength(auto));
        Assert.Equal(scale, ModelCheckpoint.ReadTrainingScale(auto));
        Assert.Equal(model.Config, ModelCheckpoint.ReadConfig(auto));
        Assert.Equal(StrengthSetting.Auto, SeparationOptions.StrengthFor(auto, null));
        Assert.Equal(new StrengthSetting(0.3), SeparationOptions.StrengthFor(auto, new StrengthSetting(0.3)));   // asked for wins
        using (CentrifugeModel copy = ModelCheckpoint.Load(auto))
        {
            Dictionary<string, torch.Tensor> before = model.state_dict(), after = copy.state_dict();
            Assert.Equal(before.Keys.Order(), after.Keys.Order());
            Assert.All(before, p => Assert.True(p.Value.eq(after[p.Key]).all().item<bool>(), p.Key));   // every weight and statistic, bit for bit
        }

        // Nothing is replaced without force; with it the file may be its own source.
        byte[] original = File.ReadAllBytes(auto);
        var refused = Assert.Throws<CentrifugeException>(() => ModelCheckpoint.RecordStrength(auto, auto, new StrengthSetting(0.5), force: false));
        Assert.Equal(ExitCodes.OutputExists, refused.ExitCode);
        Assert.Equal(original, File.ReadAllBytes(auto));
        ModelCheckpoint.RecordStrength(auto, auto, new StrengthSetting(0.5), force: true);
        Assert.Equal(new StrengthSetting(0.5), ModelCheckpoint.ReadStrength(auto));
        ModelCheckpoint.RecordStrength(auto, half, null, force: false);   // null records none
        Assert.Null(ModelCheckpoint.ReadStrength(half));
        Assert.Equal(scale, ModelCheckpoint.ReadTrainingScale(half));
        Assert.Equal(new[] { "auto.ckpt", "half.ckpt", "plain.ckpt" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_strength_command_shows_records_and_refuses_in_one_line()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        torch.manual_seed(12);
        string plain = dir.File("plain.ckpt"), auto = dir.File("auto.ckpt");
        using (var model = CentrifugeModel.Create(ModelPresets.Get("tiny"))) ModelCheckpoint.Save(model, plain);

        CliResult shown = CliRunner.Run("strength", "--model", plain);
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains("no strength recorded", shown.Output);
        CliResult set = CliRunner.Run("strength", "--model", plain, "--set", "auto", "--out", auto);
        Assert.True(set.ExitCode == 0, set.Error);
        Assert.Contains("default strength auto (per window: 0.25", set.Output);
        CliResult json = CliRunner.Run("strength", "--model", auto, "--json");
        using (var doc = System.Text.Json.JsonDocument.Parse(json.Output))
        {
            Assert.True(doc.RootElement.GetProperty("recorded").GetBoolean());
            Assert.Equal("auto", doc.RootElement.GetProperty("strength").GetString());
            Assert.Equal(0.55, doc.RootElement.GetProperty("adaptive").GetProperty("to").GetDouble());
        }

        byte[] before = File.ReadAllBytes(auto);
        foreach ((string[] args, int code, string says) in new (string[], int, string)[]
        {
            (["--set", "0.5", "--out", auto], ExitCodes.OutputExists, "already exists"),
            (["--set", "2", "--out", dir.File("x.ckpt")], ExitCodes.Usage, "--set 2:"),
            (["--set", "0.5"], ExitCodes.Usage, "--out"),
            (["--out", dir.File("x.ckpt")], ExitCodes.Usage, "--set"),
        })
        {
            CliResult r = CliRunner.Run(["strength", "--model", auto, .. args]);
            Assert.Equal(code, r.ExitCode);
            Assert.Contains(says, r.Error);
            Assert.Single(r.Error.Trim().Split('\n'));
        }
        Assert.Equal(before, File.ReadAllBytes(auto));
        Assert.False(File.Exists(dir.File("x.ckpt")));
        Assert.Equal(ExitCodes.MissingInput, CliRunner.Run("strength", "--model", dir.File("none.ckpt")).ExitCode);
    }
}

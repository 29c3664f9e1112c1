using Centrifuge.Tests.Support;
using Centrifuge.Training;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainerPrecisionTests
{
    /// <summary>
    /// bf16 training (CPU autocast) from the same seed on the same batches follows the fp32 run: the loss falls in
    /// both and ends close, and the checkpoint's weights stay float32 (fp32 master weights).
    /// </summary>
    [Fact]
    public void Bf16TrainingFollowsTheFp32LossCurveAndKeepsFp32Weights()
    {
        using var dir = new TempDir();
        TrainingConfig config = TrainingFixtures.Tiny(60) with { LogEvery = 1 };
        var fp32 = new TrainingFixtures.Recorder();
        var bf16 = new TrainingFixtures.Recorder();
        Trainer.Run(config, RunFolder.Open(dir.File("fp32"), false, false), false, events: fp32);
        TrainingOutcome outcome = Trainer.Run(config with { Precision = Precision.Bf16 }, RunFolder.Open(dir.File("bf16"), false, false), false, events: bf16);

        double First(TrainingFixtures.Recorder r) => r.Steps.Take(10).Average(s => s.Loss);
        double Last(TrainingFixtures.Recorder r) => r.Steps.TakeLast(10).Average(s => s.Loss);
        Assert.All(bf16.Steps, s => Assert.True(double.IsFinite(s.Loss)));
        Assert.True(Last(fp32) < First(fp32), $"fp32 loss {First(fp32):F4} -> {Last(fp32):F4}");
        Assert.True(Last(bf16) < First(bf16), $"bf16 loss {First(bf16):F4} -> {Last(bf16):F4}");
        Assert.InRange(First(bf16) / First(fp32), 0.97, 1.03);
        Assert.InRange(Last(bf16) / Last(fp32), 0.9, 1.1);

        var (model, _) = TrainingFixtures.LoadCheckpoint(config, outcome.Checkpoint!);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Contains("\"precision\": \"bf16\"", File.ReadAllText(Path.Combine(dir.File("bf16"), "config.json")));
    }

    [Fact]
    public void PrecisionIsAnOverrideAndBf16NeedsTheCpu()
    {
        TrainingConfig config = new TrainingOverrides { Precision = Precision.Bf16 }.ApplyTo(TrainingFixtures.Tiny(1));
        Assert.Equal(Precision.Bf16, config.Precision);
        Assert.Equal(Precision.Fp32, new TrainingOverrides().ApplyTo(config with { Precision = Precision.Fp32 }).Precision);
        var e = Assert.Throws<CentrifugeException>(() => (config with { Device = "cuda" }).Validate());
        Assert.Contains("precision bf16", e.Message);
        Assert.Equal(Precision.Fp32, JsonDefaults.Deserialize<TrainingConfig>("{}").Precision);
    }
}

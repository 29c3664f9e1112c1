using Centrifuge.Data;
using Centrifuge.Models;
using Centrifuge.Tests.Export;
using Centrifuge.Tests.Support;
using Centrifuge.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Training;

/// <summary>
/// Precise batch-norm statistics against a reference built another way: each batch's statistics read off alone (from
/// reset statistics with momentum 1), then averaged; and what the update must leave alone.
/// </summary>
[Collection(TrainingFixtures.Collection)]
public sealed class PreciseBatchNormTests
{
    private static readonly TrainingConfig Config = TrainingFixtures.Tiny(10);

    private static (float[] Mean, float[] Var)[] Statistics(CentrifugeModel model) =>
        [.. model.modules().OfType<BatchNorm>().Select(n => (n.running_mean!.data<float>().ToArray(), n.running_var!.data<float>().ToArray()))];

    [Fact]
    public void The_statistics_are_the_average_of_each_batchs_own_and_nothing_else_changes()
    {
        using CentrifugeModel model = OnnxExportTests.RandomModel(Config.Model, seed: 5);
        using CentrifugeModel reference = OnnxExportTests.RandomModel(Config.Model, seed: 5);
        using var batches = SyntheticShapesBatches.From(Config);
        Dictionary<string, Tensor> before = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter.detach().clone());
        model.eval();

        int layers = PreciseBatchNorm.Update(model, batches, 3);

        // The reference: one batch at a time from reset statistics with momentum 1, in train mode without gradients.
        List<BatchNorm> norms = [.. reference.modules().OfType<BatchNorm>()];
        var sums = norms.Select(n => (Mean: new double[n.running_mean!.shape[0]], Var: new double[n.running_mean.shape[0]])).ToArray();
        reference.train();
        using (torch.no_grad())
            for (int k = 0; k < 3; k++)
            {
                foreach (BatchNorm n in norms)
                {
                    n.reset_running_stats();
                    n.momentum = 1;
                }
                using BlendedBatch batch = batches.Training(k);
                using Tensor _ = reference.forward(batch.Mixture);
                for (int i = 0; i < norms.Count; i++)
                {
                    float[] mean = norms[i].running_mean!.data<float>().ToArray(), variance = norms[i].running_var!.data<float>().ToArray();
                    for (int c = 0; c < mean.Length; c++) { sums[i].Mean[c] += mean[c] / 3; sums[i].Var[c] += variance[c] / 3; }
                }
            }
        var actual = Statistics(model);
        Assert.Equal(norms.Count, layers);
        Assert.True(layers > 0);
        for (int i = 0; i < layers; i++)
            for (int c = 0; c < actual[i].Mean.Length; c++)
            {
                Assert.Equal(sums[i].Mean[c], actual[i].Mean[c], 4);
                Assert.Equal(sums[i].Var[c], actual[i].Var[c], 4);
            }
        Assert.False(model.training);
        Assert.All(model.modules().OfType<BatchNorm>(), n => Assert.Equal(0.1, n.momentum));
        foreach ((string name, Parameter value) in model.named_parameters())
            Assert.True(value.eq(before[name]).all().item<bool>(), $"{name} changed");
    }

    [Fact]
    public void Decoder_dropout_is_off_while_the_statistics_are_taken()
    {
        using CentrifugeModel plain = OnnxExportTests.RandomModel(Config.Model, seed: 6);
        using CentrifugeModel dropping = CentrifugeModel.Create(Config.Model with { DecoderDropout = 0.5 });
        dropping.load_state_dict(plain.state_dict());
        using var batches = SyntheticShapesBatches.From(Config);

        PreciseBatchNorm.Update(plain, batches, 2);
        PreciseBatchNorm.Update(dropping, batches, 2);

        var a = Statistics(plain);
        var b = Statistics(dropping);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i].Mean, b[i].Mean);
            Assert.Equal(a[i].Var, b[i].Var);
        }
    }

    [Fact]
    public void Average_updates_the_statistics_on_the_batches_of_the_run_a_step_comes_from_and_asks_for_a_config_otherwise()
    {
        using var dir = new TempDir();
        string step = dir.File("step-000000001.ckpt"), model = dir.File("alone.ckpt"), output = dir.File("precise.ckpt");
        using (CentrifugeModel random = OnnxExportTests.RandomModel(Config.Model, seed: 7))
        {
            TrainingCheckpoint.Save(step, random, TrainingOptimizer.Create(Config, random.parameters()), new TrainingState { Iteration = 1, Config = Config });
            ModelCheckpoint.Save(random, model, Config.TrainedAt);
        }

        CliResult updated = CliRunner.Run("average", step, "--out", output, "--update-bn", "2");
        CliResult noConfig = CliRunner.Run("average", model, "--out", dir.File("other.ckpt"), "--update-bn", "2");

        Assert.True(updated.ExitCode == 0, updated.Error);
        Assert.Contains("batch-norm statistics from 2 training batches", updated.Output);
        using CentrifugeModel expected = OnnxExportTests.RandomModel(Config.Model, seed: 7);
        using (var batches = SyntheticShapesBatches.From(Config)) PreciseBatchNorm.Update(expected, batches, 2);
        using CentrifugeModel written = ModelCheckpoint.Load(output);
        var (e, w) = (Statistics(expected), Statistics(written));
        for (int i = 0; i < e.Length; i++) Assert.Equal(e[i].Mean, w[i].Mean);
        Assert.Equal(ExitCodes.Usage, noConfig.ExitCode);
        Assert.Contains("no run config beside it", noConfig.Error);
        Assert.Contains("--config FILE", noConfig.Error);
        Assert.False(File.Exists(dir.File("other.ckpt")));
    }
}

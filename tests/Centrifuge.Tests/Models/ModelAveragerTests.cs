using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Export;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

/// <summary>Weight averaging against an element-by-element weighted mean in double precision, and what it refuses.</summary>
public class ModelAveragerTests
{
    public ModelAveragerTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void The_average_is_the_weighted_mean_of_every_weight_and_statistic_and_the_largest_batch_count()
    {
        ModelConfig config = ModelPresets.Get("tiny");
        CentrifugeModel[] models = [OnnxExportTests.RandomModel(config, seed: 1), OnnxExportTests.RandomModel(config, seed: 2),
            OnnxExportTests.RandomModel(config, seed: 3)];
        double[] weights = [2, 1, 0.5];
        long[] counts = [5, 40, 7];
        try
        {
            using (torch.no_grad())
                for (int m = 0; m < models.Length; m++)
                    foreach ((string name, Tensor value) in models[m].state_dict())
                        if (!value.is_floating_point()) value.fill_(counts[m]);
            using var averager = new ModelAverager();
            for (int m = 0; m < models.Length; m++) averager.Add(models[m], weights[m]);
            using CentrifugeModel average = averager.ToModel();

            Assert.Equal(3, averager.Count);
            Dictionary<string, Tensor> result = average.state_dict();
            Assert.Equal(models[0].state_dict().Keys.Order(), result.Keys.Order());
            int integers = 0;
            foreach ((string name, Tensor value) in result)
            {
                if (!value.is_floating_point())
                {
                    Assert.Equal(40L, value.item<long>());
                    integers++;
                    continue;
                }
                float[][] inputs = [.. models.Select(model => model.state_dict()[name].data<float>().ToArray())];
                float[] actual = value.data<float>().ToArray();
                for (int i = 0; i < actual.Length; i++)
                {
                    double expected = 0;
                    for (int m = 0; m < models.Length; m++) expected += weights[m] * inputs[m][i];
                    expected /= weights.Sum();
                    Assert.True(Math.Abs(actual[i] - expected) <= 1e-6 * (1 + Math.Abs(expected)), $"{name}[{i}]: {actual[i]} against {expected}");
                }
            }
            Assert.True(integers > 0, "the tiny model has batch-norm batch counts");
        }
        finally
        {
            foreach (CentrifugeModel model in models) model.Dispose();
        }
    }

    [Fact]
    public void A_model_averaged_with_itself_separates_as_it_did()
    {
        using CentrifugeModel model = OnnxExportTests.RandomModel(ModelPresets.Get("tiny"), seed: 4);
        using var averager = new ModelAverager();
        averager.Add(model, 1);
        averager.Add(model, 3);
        using CentrifugeModel average = averager.ToModel();
        model.eval();
        average.eval();
        torch.manual_seed(5);
        using Tensor clip = torch.rand([1, 3, 4, 16, 16]) * 2 - 1;
        using Tensor expected = model.forward(clip), actual = average.forward(clip);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Another_architecture_is_refused_with_the_field_that_differs()
    {
        using CentrifugeModel two = OnnxExportTests.RandomModel(ModelPresets.Get("tiny"), seed: 1);
        using CentrifugeModel three = OnnxExportTests.RandomModel(ModelPresets.Get("tiny") with { Layers = 3 }, seed: 1);
        using var averager = new ModelAverager();
        averager.Add(two);
        var e = Assert.Throws<ArgumentException>(() => averager.Add(three));
        Assert.Contains("layers", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => averager.Add(two, 0));
        Assert.Equal(1, averager.Count);
    }
}

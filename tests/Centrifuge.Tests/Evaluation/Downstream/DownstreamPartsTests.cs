using Centrifuge.Evaluation.Downstream;
using Centrifuge.Runtime;
using TorchSharp;

namespace Centrifuge.Tests.Evaluation.Downstream;

public class DownstreamPartsTests
{
    [Theory]
    [InlineData(new[] { 1, 2 }, new[] { 2, 1 }, 1.0)]
    [InlineData(new[] { 1, 2 }, new[] { 1, 1 }, 0.5)]
    [InlineData(new[] { 1, 2 }, new[] { 3, 2 }, 0.5)]
    [InlineData(new[] { 1, 2 }, new[] { 3, 4 }, 0.0)]
    [InlineData(new[] { 5, 5 }, new[] { 5, 5 }, 1.0)]
    [InlineData(new[] { 5, 5 }, new[] { 5, 6 }, 0.5)]
    public void Two_label_accuracy_follows_the_paper_rule(int[] truth, int[] predicted, double expected) =>
        Assert.Equal(expected, TwoLabelAccuracy.Score(truth, predicted));

    [Fact]
    public void Clip_classifier_maps_clips_to_class_logits_and_learns()
    {
        TorchRuntime.EnsureLoaded();
        torch.manual_seed(5);
        using var classifier = new ClipClassifier(3, width: 4);
        using var x = torch.rand(new long[] { 6, 3, 4, 16, 16 }) * 2 - 1;      // [B, 3, T, H, W]
        using var y = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2 });
        using var optimizer = torch.optim.Adam(classifier.parameters(), lr: 1e-2);
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var logits = classifier.forward(x);
            Assert.Equal(new long[] { 6, 3 }, logits.shape);
            var loss = torch.nn.functional.cross_entropy(logits, y);
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first * 0.5, $"loss {first} -> {last}");
    }
}

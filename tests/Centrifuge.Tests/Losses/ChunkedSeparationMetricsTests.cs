using Centrifuge.Losses;
using Centrifuge.Runtime;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Losses;

public class ChunkedSeparationMetricsTests
{
    public ChunkedSeparationMetricsTests() => TorchRuntime.EnsureLoaded();

    /// <summary>Scoring a few frames at a time gives the one-pass scores (PIT matching over the whole clip, NCC over all of it).</summary>
    [Theory]
    [InlineData(2, 2, 1)]
    [InlineData(2, 2, 3)]
    [InlineData(3, 2, 4)]
    [InlineData(3, 3, 2)]
    public void Chunked_scores_equal_the_one_pass_scores(int n, int k, int chunk)
    {
        using var scope = NewDisposeScope();
        var targets = Reference.Random(300, 2, k, 3, 7, 12, 13);
        var mixture = targets.mean(new long[] { 1 });
        var outputs = (targets.index_select(1, tensor(Enumerable.Range(0, n).Select(j => (long)((j + 1) % k)).ToArray()))
                       + 0.4f * Reference.Random(301, 2, n, 3, 7, 12, 13)).clamp(-1, 1);
        var whole = SeparationMetrics.PerSample(outputs, targets, mixture);
        var chunked = ChunkedSeparationMetrics.PerSample(outputs, targets, mixture, chunk);
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(whole[b].Loss, chunked[b].Loss, 10);
            Assert.Equal(whole[b].Psnr, chunked[b].Psnr, 10);
            Assert.Equal(whole[b].Ssim, chunked[b].Ssim, 10);
            Assert.Equal(whole[b].Ncc, chunked[b].Ncc, 10);
            Assert.Equal(whole[b].Psnri, chunked[b].Psnri, 10);
            Assert.Equal(whole[b].Diversity, chunked[b].Diversity, 10);
        }
    }

    [Fact]
    public void Identical_and_constant_layers_score_like_the_one_pass_scores()
    {
        using var scope = NewDisposeScope();
        var targets = Reference.Random(310, 1, 2, 3, 6, 8, 8);
        targets[0, 1] = full(new long[] { 3, 6, 8, 8 }, 0.25f);            // a constant layer: NCC undefined
        var mixture = targets.mean(new long[] { 1 });
        var outputs = targets.clone();                                    // a perfect separation
        var whole = SeparationMetrics.PerSample(outputs, targets, mixture)[0];
        var chunked = ChunkedSeparationMetrics.PerSample(outputs, targets, mixture, 4)[0];
        Assert.True(double.IsPositiveInfinity(chunked.Psnr));
        Assert.Equal(whole.Ncc, chunked.Ncc, 10);
        Assert.Equal(1.0, chunked.Ncc, 10);
        Assert.Equal(whole.Ssim, chunked.Ssim, 10);
        Assert.Equal(0.0, chunked.Loss, 12);
    }
}

using Centrifuge.Inference.Separation;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Separation;

public class CrossFadeTests
{
    [Theory]
    [InlineData(CrossFadeShape.Linear)]
    [InlineData(CrossFadeShape.RaisedCosine)]
    public void Weights_rise_strictly_inside_zero_one_and_mirror_to_sum_to_one(CrossFadeShape shape)
    {
        foreach (int frames in new[] { 1, 2, 5, 8, 16 })
        {
            double[] w = CrossFade.IncomingWeights(frames, shape);
            for (int t = 0; t < frames; t++)
            {
                Assert.InRange(w[t], 1e-9, 1 - 1e-9);
                Assert.Equal(1.0, w[t] + w[frames - 1 - t], 12);   // outgoing weight of frame t = incoming of its mirror
                if (t > 0) Assert.True(w[t] > w[t - 1]);
            }
        }
    }

    [Theory]
    [InlineData(CrossFadeShape.Linear)]
    [InlineData(CrossFadeShape.RaisedCosine)]
    public void A_constant_signal_passes_through_unchanged(CrossFadeShape shape)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        Tensor c = torch.full(new long[] { 2, 3, 6, 4, 5 }, 0.37f);
        Tensor blended = CrossFade.Blend(c, c.clone(), shape);
        Assert.Equal(c.shape, blended.shape);
        Assert.True(blended.allclose(c, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Blend_matches_a_double_precision_loop()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        const int n = 2, o = 4, h = 3, w = 2;
        Tensor a = torch.rand(new long[] { n, 3, o, h, w }) * 2 - 1, b = torch.rand(new long[] { n, 3, o, h, w }) * 2 - 1;
        float[] got = CrossFade.Blend(a, b, CrossFadeShape.RaisedCosine).contiguous().data<float>().ToArray();
        float[] av = a.contiguous().data<float>().ToArray(), bv = b.contiguous().data<float>().ToArray();
        int i = 0;
        for (int l = 0; l < n; l++) for (int c = 0; c < 3; c++) for (int t = 0; t < o; t++)
        {
            double wt = 0.5 - 0.5 * Math.Cos(Math.PI * (t + 0.5) / o);
            for (int y = 0; y < h * w; y++, i++)
                Assert.True(Math.Abs((1 - wt) * av[i] + wt * bv[i] - got[i]) < 1e-6, $"element {i}");
        }
    }
}

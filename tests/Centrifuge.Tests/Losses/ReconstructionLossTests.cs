using Centrifuge.Losses;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Losses;

public class ReconstructionLossTests
{
    public ReconstructionLossTests() => TorchRuntime.EnsureLoaded();

    private static Tensor Z(params long[] shape) => zeros(shape);

    [Fact]
    public void PerSample_matches_the_loop_reference()
    {
        using var scope = NewDisposeScope();
        var u = Reference.Random(1, 2, 3, 3, 5, 6);
        var v = Reference.Random(2, 2, 3, 3, 5, 6);
        var loss = new Dense(ReconstructionLoss.PerSample(u, v));
        Dense du = new(u), dv = new(v);
        Assert.Equal(new long[] { 2 }, loss.Shape);
        for (int b = 0; b < 2; b++)
            Assert.Equal(Reference.L(du.At(b), dv.At(b)), loss.Data[b], 5);
    }

    [Fact]
    public void Pairwise_is_the_loss_of_every_target_output_pair()
    {
        using var scope = NewDisposeScope();
        var targets = Reference.Random(3, 2, 3, 3, 3, 5, 6);
        var outputs = Reference.Random(4, 2, 4, 3, 3, 5, 6);
        var matrix = new Dense(ReconstructionLoss.Pairwise(targets, outputs));
        Dense dt = new(targets), dout = new(outputs);
        Assert.Equal(new long[] { 2, 3, 4 }, matrix.Shape);
        for (int b = 0; b < 2; b++) for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++)
            Assert.Equal(Reference.L(dt.At(b, i), dout.At(b, j)), matrix.Data[(b * 3 + i) * 4 + j], 5);
    }

    [Fact]
    public void Loss_is_zero_on_identical_videos_and_symmetric()
    {
        using var scope = NewDisposeScope();
        var u = Reference.Random(5, 2, 3, 3, 5, 6);
        var v = Reference.Random(6, 2, 3, 3, 5, 6);
        Assert.Equal(0.0, ReconstructionLoss.PerSample(u, u).abs().max().item<float>());
        Assert.True(ReconstructionLoss.PerSample(u, v).allclose(ReconstructionLoss.PerSample(v, u)));
    }

    [Fact]
    public void Closed_form_constant_against_horizontal_ramp()
    {
        // U = 0.2 everywhere; V[.., y, x] = 0.1·x. Pixel mean = mean_x |0.2 − 0.1x|; ∂x differences are all 0.1
        // (C·H·(W−1) of them), ∂y differences 0 (C·(H−1)·W of them); the answer is the same for every frame.
        const int h = 4, w = 5;
        using var scope = NewDisposeScope();
        var u = full(new long[] { 1, 3, 2, h, w }, 0.2f);
        var v = (arange(w, dtype: ScalarType.Float32) * 0.1f).expand(1, 3, 2, h, w).contiguous();
        double pixel = Enumerable.Range(0, w).Average(x => Math.Abs(0.2 - 0.1 * x));
        double gradient = 0.1 * h * (w - 1) / (h * (w - 1) + (h - 1) * w);
        double expected = 0.5 * (pixel + gradient);
        Assert.Equal(expected, ReconstructionLoss.PerSample(u, v).item<float>(), 6);
    }

    [Fact]
    public void Gradient_term_uses_forward_differences_along_x_and_y()
    {
        // A single bright pixel shifted by one column: the pixel term sees 2 pixels differ, the gradient term sees
        // exactly which forward differences change — computed by hand for a 3×3 frame.
        using var scope = NewDisposeScope();
        var u = Z(1, 1, 1, 3, 3); u[0, 0, 0, 1, 1] = tensor(1f);
        var v = Z(1, 1, 1, 3, 3); v[0, 0, 0, 1, 2] = tensor(1f);
        // ∂x of u on row 1: (+1, −1); of v: (0, +1) -> |1| + |−2| = 3. ∂y of u at column 1: (+1, −1), of v at column 2:
        // (+1, −1) -> 2 + 2 = 4. Differences: 6 x + 6 y = 12 elements. Pixel: 2 of 9.
        double expected = 0.5 * (2.0 / 9 + (3.0 + 4.0) / 12);
        Assert.Equal(expected, ReconstructionLoss.PerSample(u, v).item<float>(), 6);
    }

    [Fact]
    public void Programming_errors_are_argument_exceptions()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => ReconstructionLoss.PerSample(Z(1, 3, 2, 4, 4), Z(1, 3, 3, 4, 4)));
        Assert.Throws<ArgumentException>(() => ReconstructionLoss.PerSample(Z(3, 2, 4, 4), Z(3, 2, 4, 4)));
        var e = Assert.Throws<ArgumentException>(() => ReconstructionLoss.PerSample(Z(1, 3, 2, 1, 4), Z(1, 3, 2, 1, 4)));
        Assert.Contains("H >= 2", e.Message);
        Assert.Throws<ArgumentException>(() => ReconstructionLoss.PerSample(Z(1, 3, 2, 4, 4), zeros(new long[] { 1, 3, 2, 4, 4 }, dtype: ScalarType.Float64)));
    }
}

using Centrifuge.Losses;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Losses;

public class FrameQualityTests
{
    public FrameQualityTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(5, 6)]     // window shrinks to 5
    [InlineData(13, 14)]   // the standard 11 × 11 window
    public void Psnr_ssim_and_ncc_match_the_loop_references(int height, int width)
    {
        using var scope = NewDisposeScope();
        var a = FrameQuality.ToUnitRange(Reference.Random(110, 2, 3, 2, height, width));
        var b = FrameQuality.ToUnitRange(0.7 * a.to(ScalarType.Float32) * 2 - 0.7 + 0.3f * Reference.Random(111, 2, 3, 2, height, width));
        Dense da = new(a), db = new(b);
        Dense psnr = new(FrameQuality.Psnr(a, b)), ssim = new(FrameQuality.Ssim(a, b)), ncc = new(FrameQuality.Ncc(a, b));
        for (int n = 0; n < 2; n++)
        {
            Assert.Equal(Reference.Psnr(da.At(n), db.At(n)), psnr.Data[n], 9);
            Assert.Equal(Reference.Ssim(da.At(n), db.At(n)), ssim.Data[n], 9);
            Assert.Equal(Reference.Ncc(da.At(n), db.At(n)), ncc.Data[n], 9);
        }
        Assert.All(ssim.Data, s => Assert.InRange(s, 0.05, 0.999));
    }

    [Fact]
    public void Identical_videos_give_infinite_psnr_and_unit_ssim_and_ncc()
    {
        using var scope = NewDisposeScope();
        var a = FrameQuality.ToUnitRange(Reference.Random(120, 2, 3, 2, 12, 12));
        double[] psnr = new Dense(FrameQuality.Psnr(a, a.clone())).Data;
        Assert.All(psnr, p => Assert.Equal(double.PositiveInfinity, p));
        Assert.All(new Dense(FrameQuality.Ssim(a, a.clone())).Data, s => Assert.Equal(1.0, s, 12));
        Assert.All(new Dense(FrameQuality.Ncc(a, a.clone())).Data, s => Assert.Equal(1.0, s, 12));

        // A constant video has no correlation to speak of: 1 against itself, 0 against anything else.
        var flat = full(new long[] { 1, 3, 2, 4, 4 }, 0.5, dtype: ScalarType.Float64);
        Assert.Equal(1.0, FrameQuality.Ncc(flat, flat.clone()).item<double>());
        Assert.Equal(0.0, FrameQuality.Ncc(flat, a[..1, .., .., ..4, ..4].contiguous()).item<double>());
    }

    [Fact]
    public void Psnr_of_a_known_error_is_exact()
    {
        // Every pixel off by 0.1 -> MSE 0.01 -> 20 dB; off by 0.5 -> 6.0206 dB.
        using var scope = NewDisposeScope();
        var a = full(new long[] { 1, 3, 2, 4, 4 }, 0.3, dtype: ScalarType.Float64);
        Assert.Equal(20.0, FrameQuality.Psnr(a, a + 0.1).item<double>(), 9);
        Assert.Equal(10 * Math.Log10(4), FrameQuality.Psnr(a, a + 0.5).item<double>(), 9);
    }

    [Fact]
    public void Window_is_the_normalised_gaussian_of_sigma_1_5()
    {
        Assert.Equal(11, FrameQuality.WindowSize(112, 112));
        Assert.Equal(5, FrameQuality.WindowSize(5, 6));
        Assert.Equal(5, FrameQuality.WindowSize(6, 6));
        double[] w = FrameQuality.GaussianWindow2D(11);
        Assert.Equal(1.0, w.Sum(), 12);
        Assert.Equal(Math.Exp(-25 / 4.5 * 2) * w[5 * 11 + 5], w[0], 12);   // corner: (5² + 5²) / (2σ²) below the centre
    }
}

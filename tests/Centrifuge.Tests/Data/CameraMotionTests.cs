using Centrifuge.Data;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data;

public class CameraMotionTests
{
    public CameraMotionTests() => TorchRuntime.EnsureLoaded();

    // A photo whose value is a linear ramp in x (bilinear sampling reproduces linear functions exactly).
    private static Tensor Ramp(int h, int w) =>
        (torch.arange(w, dtype: ScalarType.Float32) / w).view(1, 1, w).expand(3, h, w).contiguous();

    [Fact]
    public void A_still_path_at_zoom_one_is_the_centre_crop()
    {
        torch.manual_seed(1);
        Tensor photo = torch.rand(new long[] { 3, 30, 40 });
        var path = new CameraPath(20, 15, 20, 15, 1, 1, 0, 0);
        Tensor clip = CameraMotion.Render(photo, path, 4, 10, 12, 12, 10);  // [3, T, H, W]
        Tensor crop = photo[.., 10..20, 14..26].unsqueeze(1).expand(3, 4, 10, 12);
        Assert.True(torch.allclose(clip, crop, atol: 1e-5), "still camera = centre crop");
    }

    [Fact]
    public void Pan_moves_by_sub_pixel_steps_each_frame()
    {
        Tensor photo = Ramp(40, 100);
        // Pan 3.5 px over 8 frames: 0.5 px per frame, sub-pixel.
        var path = new CameraPath(40, 20, 43.5, 20, 1, 1, 0, 0);
        Tensor clip = CameraMotion.Render(photo, path, 8, 10, 20, 20, 10);
        float[] firstColumn = clip[0, .., 5, 0].data<float>().ToArray();
        for (int t = 0; t < 8; t++)
        {
            double x = 40 + 0.5 * t - 10 + 0.5 - 0.5; // photo pixel-centre coordinate of output column 0
            Assert.Equal(x / 100, firstColumn[t], 1e-5);
        }
    }

    [Fact]
    public void Random_paths_keep_the_rotated_window_inside_the_photo()
    {
        var rng = new SplitMix64(7);
        var config = new CameraMotionConfig { MaxRotationDegrees = 10 };
        for (int i = 0; i < 500; i++)
        {
            CameraPath p = CameraMotion.Sample(194, 258, 168, 168, config, ref rng);
            foreach (var (x, y, z, d) in new[] { (p.StartX, p.StartY, p.StartZoom, p.StartDegrees), (p.EndX, p.EndY, p.EndZoom, p.EndDegrees) })
            {
                double r = d * Math.PI / 180, hw = 84 / z, hh = 84 / z;
                double ex = Math.Abs(Math.Cos(r)) * hw + Math.Abs(Math.Sin(r)) * hh, ey = Math.Abs(Math.Sin(r)) * hw + Math.Abs(Math.Cos(r)) * hh;
                Assert.InRange(x - ex, -1e-6, 194);
                Assert.InRange(x + ex, 0, 194 + 1e-6);
                Assert.InRange(y - ey, -1e-6, 258);
                Assert.InRange(y + ey, 0, 258 + 1e-6);
            }
        }
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>One camera path over a still photo: centre, zoom and rotation at the first and last frame (pixels, degrees).</summary>
public readonly record struct CameraPath(
    double StartX, double StartY, double EndX, double EndY,
    double StartZoom, double EndZoom, double StartDegrees, double EndDegrees);

/// <summary>
/// Camera-motion pseudo-videos: a window panning, zooming and slightly rotating over a still photo, sampled per frame
/// with bilinear sub-pixel interpolation (affine_grid + grid_sample), so the motion is smooth.
/// </summary>
public static class CameraMotion
{
    /// <summary>
    /// A random path over a photo of <paramref name="photoWidth"/> x <paramref name="photoHeight"/> whose window at
    /// zoom 1 is <paramref name="windowWidth"/> x <paramref name="windowHeight"/> pixels; the rotated window stays inside.
    /// </summary>
    public static CameraPath Sample(int photoWidth, int photoHeight, double windowWidth, double windowHeight,
        CameraMotionConfig config, ref SplitMix64 rng)
    {
        double z0 = config.Zoom.Sample(ref rng), z1 = config.Zoom.Sample(ref rng);
        double r0 = (2 * rng.NextDouble() - 1) * config.MaxRotationDegrees, r1 = (2 * rng.NextDouble() - 1) * config.MaxRotationDegrees;
        z0 = Math.Max(z0, MinZoom(photoWidth, photoHeight, windowWidth, windowHeight, r0));
        z1 = Math.Max(z1, MinZoom(photoWidth, photoHeight, windowWidth, windowHeight, r1));
        (double lx0, double hx0, double ly0, double hy0) = CentreBounds(photoWidth, photoHeight, windowWidth / z0, windowHeight / z0, r0);
        (double lx1, double hx1, double ly1, double hy1) = CentreBounds(photoWidth, photoHeight, windowWidth / z1, windowHeight / z1, r1);
        double x0 = lx0 + (hx0 - lx0) * rng.NextDouble(), y0 = ly0 + (hy0 - ly0) * rng.NextDouble();
        // The end point is a bounded pan away from the start, kept inside the end window's bounds.
        double pan = config.MaxPan * Math.Min(windowWidth, windowHeight);
        double x1 = Math.Clamp(x0 + (2 * rng.NextDouble() - 1) * pan, lx1, hx1);
        double y1 = Math.Clamp(y0 + (2 * rng.NextDouble() - 1) * pan, ly1, hy1);
        return new CameraPath(x0, y0, x1, y1, z0, z1, r0, r1);
    }

    /// <summary>
    /// The camera over a still of <paramref name="photoWidth"/> x <paramref name="photoHeight"/> whose short side spans
    /// the clip's <see cref="DataConfig.ShortSide"/>: the window at zoom 1 (still pixels) and a random path over it.
    /// </summary>
    public static (CameraPath Path, double WindowWidth, double WindowHeight) SampleWindow(int photoWidth, int photoHeight,
        DataConfig config, ref SplitMix64 rng)
    {
        double fieldScale = (double)Math.Min(photoWidth, photoHeight) / config.ShortSide;
        double ww = config.Width * fieldScale, wh = config.Height * fieldScale;
        return (Sample(photoWidth, photoHeight, ww, wh, config.CameraMotion, ref rng), ww, wh);
    }

    /// <summary>
    /// Renders the path: photo [3, Hp, Wp] float -> clip [3, T, H, W], window at zoom 1 = windowWidth x windowHeight
    /// photo pixels. Position, zoom and angle move linearly from the first frame to the last.
    /// </summary>
    public static Tensor Render(Tensor photo, CameraPath path, int frames, int height, int width, double windowWidth, double windowHeight)
    {
        using var scope = torch.NewDisposeScope();
        long hp = photo.shape[1], wp = photo.shape[2];
        var theta = new float[frames * 6];
        for (int t = 0; t < frames; t++)
        {
            double f = frames == 1 ? 0 : (double)t / (frames - 1);
            double cx = Lerp(path.StartX, path.EndX, f), cy = Lerp(path.StartY, path.EndY, f);
            double zoom = Lerp(path.StartZoom, path.EndZoom, f);
            double r = Lerp(path.StartDegrees, path.EndDegrees, f) * Math.PI / 180;
            double hw = windowWidth / zoom / 2, hh = windowHeight / zoom / 2;
            // Output normalised (u, v) in [-1, 1] -> photo point c + R(r) (u hw, v hh), in grid_sample's normalised coordinates.
            theta[t * 6 + 0] = (float)(2 * Math.Cos(r) * hw / wp);
            theta[t * 6 + 1] = (float)(-2 * Math.Sin(r) * hh / wp);
            theta[t * 6 + 2] = (float)(2 * cx / wp - 1);
            theta[t * 6 + 3] = (float)(2 * Math.Sin(r) * hw / hp);
            theta[t * 6 + 4] = (float)(2 * Math.Cos(r) * hh / hp);
            theta[t * 6 + 5] = (float)(2 * cy / hp - 1);
        }
        using Tensor thetaT = torch.tensor(theta, new long[] { frames, 2, 3 });
        Tensor grid = nn.functional.affine_grid(thetaT, new long[] { frames, 3, height, width }, align_corners: false);
        Tensor input = photo.unsqueeze(0).expand(frames, -1, -1, -1);
        Tensor output = nn.functional.grid_sample(input, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
        return output.permute(1, 0, 2, 3).contiguous().MoveToOuterDisposeScope(); // [3, T, H, W]
    }

    private static double Lerp(double a, double b, double f) => a + (b - a) * f;

    // Half extents of a w x h window rotated by r degrees.
    private static (double X, double Y) Extent(double w, double h, double degrees)
    {
        double r = degrees * Math.PI / 180, c = Math.Abs(Math.Cos(r)), s = Math.Abs(Math.Sin(r));
        return ((c * w + s * h) / 2, (s * w + c * h) / 2);
    }

    // The smallest zoom at which the rotated window fits in the photo.
    private static double MinZoom(int pw, int ph, double w, double h, double degrees)
    {
        (double ex, double ey) = Extent(w, h, degrees);
        return Math.Max(1e-6, Math.Max(2 * ex / pw, 2 * ey / ph));
    }

    private static (double LowX, double HighX, double LowY, double HighY) CentreBounds(int pw, int ph, double w, double h, double degrees)
    {
        (double ex, double ey) = Extent(w, h, degrees);
        return (Math.Min(ex, pw / 2.0), Math.Max(pw - ex, pw / 2.0), Math.Min(ey, ph / 2.0), Math.Max(ph - ey, ph / 2.0));
    }
}

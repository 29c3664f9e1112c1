using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>
/// Where a cut-out is over the clip, in clip pixels from the clip's centre (x right, y down): its centre, its radius
/// (centre to the bounding circle of its mask) and its angle, at the first and the last frame, moving linearly between.
/// </summary>
public readonly record struct ObjectPath(
    double StartX, double StartY, double EndX, double EndY,
    double StartRadius, double EndRadius, double StartDegrees, double EndDegrees)
{
    /// <summary>Centre, radius and angle at <paramref name="f"/> in [0, 1] (0 = first frame, 1 = last).</summary>
    public (double X, double Y, double Radius, double Degrees) At(double f) =>
        (StartX + (EndX - StartX) * f, StartY + (EndY - StartY) * f,
         StartRadius + (EndRadius - StartRadius) * f, StartDegrees + (EndDegrees - StartDegrees) * f);
}

/// <summary>
/// One foreground cut-out of a composited pseudo-video: its texture is the square of photo <see cref="Photo"/> centred
/// at (TextureX, TextureY) with half-side <see cref="TextureHalf"/> (photo pixels, continuous coordinates), cut out by
/// <see cref="Shape"/>, moved along <see cref="Path"/>, its brightness scaled from StartGain to EndGain.
/// </summary>
public sealed record SceneObject(int Photo, double TextureX, double TextureY, double TextureHalf, MaskShape Shape,
    ObjectPath Path, double StartGain, double EndGain);

/// <summary>
/// Composited moving-object pseudo-videos (FlyingChairs-style): a background photo under camera motion and cut-outs of
/// other photos, each on its own path with its own scale change, rotation and brightness, drawn back to front (the
/// last object is in front). Rendered with bilinear sub-pixel sampling (affine_grid + grid_sample) for texture and mask.
/// </summary>
public static class CompositeScene
{
    /// <summary>
    /// A random cut-out for a clip of <paramref name="height"/> x <paramref name="width"/> pixels, textured from a photo
    /// of <paramref name="photoWidth"/> x <paramref name="photoHeight"/> pixels of which <paramref name="photoPixelsPerClipPixel"/>
    /// span one clip pixel at the photo's natural scale.
    /// </summary>
    public static SceneObject SampleObject(int photo, int photoWidth, int photoHeight, double photoPixelsPerClipPixel,
        int height, int width, CompositeConfig config, ref SplitMix64 rng)
    {
        double side = Math.Min(height, width);
        double r0 = config.Size.Sample(ref rng) * side;
        double r1 = r0 * Math.Exp((2 * rng.NextDouble() - 1) * Math.Log(1 + config.MaxScaleChange));
        double x0 = (rng.NextDouble() - 0.5) * 0.9 * width, y0 = (rng.NextDouble() - 0.5) * 0.9 * height;
        double travel = config.Travel.Sample(ref rng) * side, direction = rng.NextDouble() * 2 * Math.PI;
        // Paths that would leave the clip bounce back in (per axis), so objects stay mostly in view.
        double x1 = Bounce(x0 + travel * Math.Cos(direction), 0.55 * width), y1 = Bounce(y0 + travel * Math.Sin(direction), 0.55 * height);
        double a0 = rng.NextDouble() * 360, a1 = a0 + (2 * rng.NextDouble() - 1) * config.MaxRotationDegrees;
        MaskShape shape = MaskShape.Sample(config.Softness, ref rng);
        double half = Math.Min(r0 * photoPixelsPerClipPixel / config.TextureZoom.Sample(ref rng), 0.49 * Math.Min(photoWidth, photoHeight));
        double tx = half + (photoWidth - 2 * half) * rng.NextDouble(), ty = half + (photoHeight - 2 * half) * rng.NextDouble();
        double b = config.BrightnessChange;
        double g0 = 1 + (2 * rng.NextDouble() - 1) * b, g1 = 1 + (2 * rng.NextDouble() - 1) * b;
        return new SceneObject(photo, tx, ty, half, shape, new ObjectPath(x0, y0, x1, y1, r0, r1, a0, a1), g0, g1);
    }

    /// <summary>
    /// Draws <paramref name="objects"/> back to front over <paramref name="background"/> [3, T, H, W] in [0, 1];
    /// <paramref name="photos"/>[i] is the texture of objects[i], [3, Hp, Wp] float in [0, 1]. Result [3, T, H, W] in [0, 1].
    /// </summary>
    public static Tensor Compose(Tensor background, IReadOnlyList<SceneObject> objects, IReadOnlyList<Tensor> photos)
    {
        using var scope = torch.NewDisposeScope();
        int frames = (int)background.shape[1], height = (int)background.shape[2], width = (int)background.shape[3];
        Tensor result = background;
        for (int i = 0; i < objects.Count; i++)
        {
            SceneObject o = objects[i];
            Tensor alpha = Alpha(o, frames, height, width).unsqueeze(0);                 // [1, T, H, W]
            Tensor texture = Texture(o, photos[i], frames, height, width);               // [3, T, H, W]
            Tensor gain = torch.linspace(o.StartGain, o.EndGain, frames).view(1, frames, 1, 1);
            result = result.Plus(alpha * (texture * gain - result));
        }
        return result.ClampTo(0, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The object's mask in the clip: [T, H, W] in [0, 1].</summary>
    public static Tensor Alpha(SceneObject o, int frames, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        int size = Math.Clamp(Math.Min(height, width), 32, 128);
        Tensor mask = torch.tensor(o.Shape.Render(size), new long[] { 1, 1, size, size }).expand(frames, 1, size, size);
        Tensor grid = Grid(o, frames, height, width, 1, 0, 1, 0);
        Tensor alpha = nn.functional.grid_sample(mask, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        return alpha.view(frames, height, width).ClampTo(0, 1).MoveToOuterDisposeScope();
    }

    // The texture carried by the object, sampled over the whole clip: [3, T, H, W].
    private static Tensor Texture(SceneObject o, Tensor photo, int frames, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        long hp = photo.shape[1], wp = photo.shape[2];
        // Photo normalised x = 2 (TextureX + half * qx) / Wp - 1, and likewise for y.
        Tensor grid = Grid(o, frames, height, width, 2 * o.TextureHalf / wp, 2 * o.TextureX / wp - 1, 2 * o.TextureHalf / hp, 2 * o.TextureY / hp - 1);
        Tensor input = photo.unsqueeze(0).expand(frames, -1, -1, -1);
        Tensor texture = nn.functional.grid_sample(input, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
        return texture.permute(1, 0, 2, 3).MoveToOuterDisposeScope();
    }

    // Sampling grid [T, H, W, 2] of the affine map clip (u, v) -> object q = R(-angle) (P - centre) / radius, where
    // P = (u W/2, v H/2) is the clip pixel relative to the centre; then q -> (scaleX qx + offsetX, scaleY qy + offsetY).
    private static Tensor Grid(SceneObject o, int frames, int height, int width, double scaleX, double offsetX, double scaleY, double offsetY)
    {
        var theta = new float[frames * 6];
        for (int t = 0; t < frames; t++)
        {
            (double cx, double cy, double radius, double degrees) = o.Path.At(frames == 1 ? 0 : (double)t / (frames - 1));
            double a = degrees * Math.PI / 180, cos = Math.Cos(a), sin = Math.Sin(a);
            double m00 = cos * width / 2 / radius, m01 = sin * height / 2 / radius;
            double m10 = -sin * width / 2 / radius, m11 = cos * height / 2 / radius;
            double b0 = -(cos * cx + sin * cy) / radius, b1 = -(-sin * cx + cos * cy) / radius;
            theta[t * 6 + 0] = (float)(scaleX * m00);
            theta[t * 6 + 1] = (float)(scaleX * m01);
            theta[t * 6 + 2] = (float)(scaleX * b0 + offsetX);
            theta[t * 6 + 3] = (float)(scaleY * m10);
            theta[t * 6 + 4] = (float)(scaleY * m11);
            theta[t * 6 + 5] = (float)(scaleY * b1 + offsetY);
        }
        using Tensor thetaT = torch.tensor(theta, new long[] { frames, 2, 3 });
        return nn.functional.affine_grid(thetaT, new long[] { frames, 1, height, width }, align_corners: false);
    }

    private static double Bounce(double value, double limit) =>
        value > limit ? Math.Max(2 * limit - value, -limit) : value < -limit ? Math.Min(-2 * limit - value, limit) : value;
}

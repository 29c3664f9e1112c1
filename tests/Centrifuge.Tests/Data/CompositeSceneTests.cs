using Centrifuge.Data;
using Centrifuge.Runtime;
using Centrifuge.Tests.Data.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Data;

public class CompositeSceneTests
{
    private static readonly DataConfig Config = new()
    {
        Frames = 6, Height = 24, Width = 32, BatchSize = 3, Seed = 7, CompositeProbability = 1, PhotoProbability = 0,
    };

    public CompositeSceneTests() => TorchRuntime.EnsureLoaded();

    private static MemoryFrameStore Store(int photos = 6)
    {
        var store = new MemoryFrameStore();
        for (int i = 0; i < 3; i++) store.Add($"v{i}", 20, 28, 37, seed: i);
        for (int i = 0; i < photos; i++) store.Add($"p{i}", 1, 41, 55, seed: 100 + i, kind: SourceKind.Photo);
        return store;
    }

    private static float[] Data(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void Composited_samples_are_a_pure_function_of_the_seed_and_key()
    {
        using BlendedBatch a = SampleAssertions.PureFunctionOfSeedAndKey(() => Store(), Config, 4, "composite:p");
        var pool = new ClipPool(Store(), Config.Frames);
        SamplePlan plan = BlendComposer.Plan(pool, Config, BlendRecipe.Train, Config.Seed, 4, 0);
        foreach (LayerPlan layer in plan.Layers)
        {
            Assert.Equal(LayerKind.Composite, layer.Kind);
            Assert.InRange(layer.Objects!.Count, Config.Composite.MinObjects, Config.Composite.MaxObjects);
            // Cut-outs come from other photos than the background.
            Assert.DoesNotContain(layer.Video, layer.Objects.Select(o => o.Photo));
        }
    }

    [Fact]
    public void Masks_stay_in_zero_to_one_are_solid_inside_and_empty_at_the_corners()
    {
        var rng = SplitMix64.Derive(3, 1);
        var kinds = new HashSet<MaskShapeKind>();
        for (int i = 0; i < 60; i++)
        {
            MaskShape shape = MaskShape.Sample(new UniformRange(0.04, 0.2), ref rng);
            kinds.Add(shape.Kind);
            float[] mask = shape.Render(40);
            Assert.All(mask, a => Assert.InRange(a, 0f, 1f));
            Assert.Equal(1f, mask[20 * 40 + 20]);                      // the centre is inside every star-shaped outline
            Assert.Equal(0f, mask[0]);                                  // corners lie outside the unit disk
            Assert.Equal(0f, mask[40 * 40 - 1]);
            Assert.Contains(mask, a => a > 0 && a < 1);                 // a soft edge
        }
        Assert.Equal(3, kinds.Count);
    }

    [Fact]
    public void Polygon_outline_is_straight_between_vertices()
    {
        // A square with vertices at radius 1 on the axes: its edge at 45 degrees is at 1/sqrt(2).
        var square = new MaskShape(MaskShapeKind.Polygon, [1, 1, 1, 1], [0, Math.PI / 2, Math.PI, 3 * Math.PI / 2], 0.1);
        Assert.Equal(1 / Math.Sqrt(2), square.Radius(Math.PI / 4), 9);
        Assert.Equal(1 / Math.Sqrt(2), square.Radius(-3 * Math.PI / 4), 9);
        Assert.Equal(1, square.Radius(Math.PI), 9);
    }

    [Fact]
    public void An_object_moves_scales_and_turns_by_its_sampled_path()
    {
        var config = new CompositeConfig { Size = new UniformRange(0.12, 0.15), Travel = new UniformRange(0.3, 0.35), BrightnessChange = 0 };
        int checkedFrames = 0;
        for (int seed = 0; seed < 8; seed++)
        {
            var rng = SplitMix64.Derive(seed, 9);
            SceneObject o = CompositeScene.SampleObject(0, 200, 150, 2.0, 96, 128, config, ref rng);
            // The sampled travel, up to where a bounce turned the path back in.
            double travel = Math.Sqrt(Math.Pow(o.Path.EndX - o.Path.StartX, 2) + Math.Pow(o.Path.EndY - o.Path.StartY, 2));
            Assert.InRange(travel, 0, 0.35 * 96 * 1.0001);
            const int frames = 5;
            using Tensor alpha = CompositeScene.Alpha(o, frames, 96, 128);     // [T, H, W]
            // Reference: the mask's own centroid in object units (brute force, fine grid), carried along the path.
            (double qx, double qy) = Centroid(o.Shape.Render(400), 400);
            for (int t = 0; t < frames; t++)
            {
                (double cx, double cy, double radius, double degrees) = o.Path.At(t / (frames - 1.0));
                if (Math.Abs(cx) + radius > 62 || Math.Abs(cy) + radius > 46) continue;   // partly outside the clip
                double a = degrees * Math.PI / 180;
                double ex = cx + radius * (Math.Cos(a) * qx - Math.Sin(a) * qy) + 64;
                double ey = cy + radius * (Math.Sin(a) * qx + Math.Cos(a) * qy) + 48;
                (double gx, double gy) = Centroid(Data(alpha[t]), 128, 96);
                Assert.Equal(ex, gx, 0.15);
                Assert.Equal(ey, gy, 0.15);
                double area = Data(alpha[t]).Sum(v => (double)v);
                double expectedArea = o.Shape.Render(400).Sum(v => (double)v) / (400.0 * 400) * 4 * radius * radius;
                Assert.Equal(expectedArea, area, expectedArea * 0.03);
                checkedFrames++;
            }
        }
        Assert.True(checkedFrames >= 20, $"only {checkedFrames} frames had the whole object in view");
    }

    [Fact]
    public void Later_objects_occlude_earlier_ones_and_gain_changes_brightness()
    {
        var disk = new MaskShape(MaskShapeKind.Ellipse, [0.9, 0.9], [0], 0.05);
        var path = new ObjectPath(0, 0, 0, 0, 10, 10, 0, 0);
        var back = new SceneObject(0, 10, 10, 5, disk, path, 1, 1);
        var front = new SceneObject(1, 10, 10, 5, disk, path with { StartX = 4, EndX = 4 }, 0.6, 1.4);
        using Tensor red = torch.zeros(3, 20, 20);
        red[0] = torch.ones(20, 20);
        using Tensor grey = torch.full(new long[] { 3, 20, 20 }, 0.5f);
        using Tensor background = torch.zeros(3, 3, 32, 32);

        using Tensor redOnTop = CompositeScene.Compose(background, [front with { Photo = 1 }, back], [grey, red]);
        using Tensor greyOnTop = CompositeScene.Compose(background, [back, front], [red, grey]);
        // Pixel (row 16, column 18) is inside both discs.
        Assert.Equal(new[] { 1f, 0f, 0f }, Data(redOnTop[.., 0, 16, 18]));
        Assert.Equal(0.3f, greyOnTop[0, 0, 16, 18].item<float>(), 4);    // 0.5 x gain 0.6 at the first frame
        Assert.Equal(0.5f, greyOnTop[0, 1, 16, 18].item<float>(), 4);    // gain 1.0 half way
        Assert.Equal(0.7f, greyOnTop[0, 2, 16, 18].item<float>(), 4);    // gain 1.4 at the last
        Assert.Equal(1f, greyOnTop[0, 0, 16, 8].item<float>(), 4);       // only the red disc there
        Assert.Equal(0f, greyOnTop[0, 0, 1, 1].item<float>());           // the background outside both
    }

    [Fact]
    public void Bad_composite_settings_are_refused_by_name()
    {
        var error = Assert.Throws<CentrifugeException>(() => (Config with { Composite = new CompositeConfig { MinObjects = 3, MaxObjects = 2 } }).Validate());
        Assert.Contains("composite.min_objects", error.Message);
        Assert.Throws<CentrifugeException>(() => (Config with { CompositeProbability = 1.5 }).Validate());
    }

    // Alpha-weighted centroid of a row-major mask in its own pixel units (pixel centres at i + 0.5).
    private static (double X, double Y) Centroid(float[] mask, int width, int height)
    {
        double sum = 0, x = 0, y = 0;
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                double a = mask[r * width + c];
                sum += a;
                x += a * (c + 0.5);
                y += a * (r + 0.5);
            }
        return (x / sum, y / sum);
    }

    // Centroid of a size x size mask over [-1, 1]^2, in object units.
    private static (double X, double Y) Centroid(float[] mask, int size)
    {
        (double x, double y) = Centroid(mask, size, size);
        return (2 * x / size - 1, 2 * y / size - 1);
    }
}

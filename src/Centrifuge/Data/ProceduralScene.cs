using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>
/// Procedural "dead leaves" pseudo-videos: a procedural texture (<see cref="ProceduralTexture"/>) under camera motion
/// with occluding leaves of other procedural textures, each on its own path with its own scale change, rotation and
/// brightness. They give the network layers of any colour, texture, edge and motion, drawn from no source at all, so
/// it cannot learn a layer as "the look of a training video". This class plans them and makes their textures;
/// <see cref="LayerRenderer"/> draws them as it draws a composite: the background under camera motion, the leaves with
/// <see cref="CompositeScene"/>.
/// </summary>
public static class ProceduralScene
{
    /// <summary>Texture side of a leaf, in texels (its radius spans half of it).</summary>
    public const int LeafTexels = 48;

    /// <summary>The background texture's side for a clip config: the photos' stored scale, so camera zoom stays sharp.</summary>
    public static int BackgroundTexels(DataConfig config) => (int)Math.Ceiling(config.ShortSide * config.CameraMotion.PhotoScale);

    /// <summary>
    /// A random procedural layer: the background's camera path and texture, then the leaves, back to front. Its
    /// <see cref="LayerPlan.Textures"/> hold the background's seed first, then one per leaf; its <see cref="LayerPlan.Box"/>
    /// is the background texture's extent (it has no video: <see cref="LayerPlan.Video"/> is -1).
    /// </summary>
    public static LayerPlan Plan(DataConfig config, bool random, ref SplitMix64 rng)
    {
        ProceduralConfig p = config.Procedural;
        int side = BackgroundTexels(config);
        (CameraPath camera, double ww, double wh) = CameraMotion.SampleWindow(side, side, config, ref rng);
        JitterFactors jitter = random ? JitterFactors.Sample(config.ColourJitter, ref rng) : JitterFactors.None;
        int count = rng.NextInt(p.MinLeaves, p.MaxLeaves);
        var textures = new ulong[count + 1];
        textures[0] = rng.NextUInt64();
        var leaves = new List<SceneObject>(count);
        for (int i = 0; i < count; i++)
        {
            textures[i + 1] = rng.NextUInt64();
            leaves.Add(SampleLeaf(config.Height, config.Width, p, ref rng));
        }
        return new LayerPlan(LayerKind.Procedural, -1, [0], new CropBox(0, 0, side, side), jitter)
        {
            Camera = camera, WindowWidth = ww, WindowHeight = wh, Objects = leaves, Textures = textures,
            Id = $"procedural:{textures[0]:x16}+{count}",
        };
    }

    /// <summary>A leaf for a clip of <paramref name="height"/> x <paramref name="width"/>: its texture fills its bounding square.</summary>
    public static SceneObject SampleLeaf(int height, int width, ProceduralConfig config, ref SplitMix64 rng)
    {
        double side = Math.Min(height, width);
        double r0 = PowerLaw(config.Size.Low, config.Size.High, config.SizeExponent, rng.NextDouble()) * side;
        double r1 = r0 * Math.Exp((2 * rng.NextDouble() - 1) * Math.Log(1 + config.MaxScaleChange));
        // Centres anywhere over the clip and a little beyond, so leaves also enter and leave at the edges.
        double x0 = (rng.NextDouble() - 0.5) * 1.1 * width, y0 = (rng.NextDouble() - 0.5) * 1.1 * height;
        double travel = config.Travel.Sample(ref rng) * side, direction = rng.NextDouble() * 2 * Math.PI;
        double x1 = x0 + travel * Math.Cos(direction), y1 = y0 + travel * Math.Sin(direction);
        double a0 = rng.NextDouble() * 360, a1 = a0 + (2 * rng.NextDouble() - 1) * config.MaxRotationDegrees;
        MaskShape shape = MaskShape.Sample(config.Softness, ref rng);
        double b = config.BrightnessChange;
        double g0 = 1 + (2 * rng.NextDouble() - 1) * b, g1 = 1 + (2 * rng.NextDouble() - 1) * b;
        const double half = LeafTexels / 2.0;
        return new SceneObject(-1, half, half, half, shape, new ObjectPath(x0, y0, x1, y1, r0, r1, a0, a1), g0, g1);
    }

    /// <summary>
    /// The inverse CDF of the density p(r) ~ r^-exponent on [low, high] at <paramref name="u"/> in [0, 1): a radius
    /// in [low, high] (exponent 1 is log-uniform, 0 uniform).
    /// </summary>
    public static double PowerLaw(double low, double high, double exponent, double u)
    {
        if (high <= low) return low;
        double k = 1 - exponent, lk = Math.Pow(low, k), hk = Math.Pow(high, k);
        double r = Math.Abs(k) < 1e-9 ? low * Math.Pow(high / low, u) : Math.Pow(lk + u * (hk - lk), 1 / k);
        return Math.Clamp(r, low, high);   // rounding must not leave the range
    }

    /// <summary>A procedural plan's background texture, the still its camera moves over: [3, side, side] in [0, 1].</summary>
    public static Tensor Background(LayerPlan layer) => Texture(Seeds(layer)[0], layer.Box.Width);

    /// <summary>A procedural plan's leaf textures, one per <see cref="LayerPlan.Objects"/> entry: each [3, 48, 48] in [0, 1].</summary>
    public static List<Tensor> LeafTextures(LayerPlan layer) => Seeds(layer).Skip(1).Select(s => Texture(s, LeafTexels)).ToList();

    private static Tensor Texture(ulong seed, int side) => torch.tensor(ProceduralTexture.Render(seed, side), new long[] { 3, side, side });

    private static IReadOnlyList<ulong> Seeds(LayerPlan layer) =>
        layer.Textures ?? throw new ArgumentException("a procedural layer plan needs its texture seeds", nameof(layer));
}

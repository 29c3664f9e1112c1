using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>
/// Turns sample plans into tensors: crops are copied as uint8 straight out of the frame store (row copies, no
/// per-pixel loops) and converted once per layer; resizing, camera motion, the per-layer augmentation (<see cref="AugmentationPipeline"/>), flips and
/// blending are tensor ops.
/// </summary>
public static class LayerRenderer
{
    /// <summary>Plans -> Mixture [B, 3, T, H, W], Targets [B, k, 3, T, H, W] (both in [-1, 1]), Weights [B, k].</summary>
    public static BlendedBatch Render(ClipPool pool, DataConfig config, IReadOnlyList<SamplePlan> plans)
    {
        using var scope = torch.NewDisposeScope();
        int b = plans.Count, k = config.Layers, t = config.Frames, h = config.Height, w = config.Width;
        var layers = new List<Tensor>(b * k);
        var jitter = new List<JitterFactors>(b * k);
        var augments = new List<LayerAugment>(b * k);
        foreach (SamplePlan plan in plans)
            for (int j = 0; j < k; j++)
            {
                Tensor layer = RenderLayer(pool.Store, plan.Layers[j], t, h, w); // [3, T, H, W] in [0, 1]
                if (plan.Reflection is { } mix) layer = j == mix.Layer ? mix.Blur(layer) : mix.Tint(layer);
                layers.Add(layer);
                jitter.Add(plan.Layers[j].Jitter);
                augments.Add(plan.Layers[j].Augment);
            }
        Tensor clips = torch.stack(layers);                 // [B*k, 3, T, H, W]
        clips = AugmentationPipeline.Apply(clips, augments, jitter);
        Tensor targets = clips.Times(2).Minus(1).view(b, k, 3, t, h, w);
        bool[] flips = plans.Select(p => p.Flip).ToArray();
        if (flips.Any(f => f))
        {
            Tensor mask = torch.tensor(flips).view(b, 1, 1, 1, 1, 1);
            targets = torch.where(mask, targets.flip(-1), targets);
        }
        Tensor weights = torch.tensor(plans.SelectMany(p => p.Weights.Select(x => (float)x)).ToArray(), new long[] { b, k });
        Tensor mixture = plans.Any(p => p.Reflection is not null) ? BlendPerPixel(targets, plans, h, w) : Blend(targets, weights);
        string[][] ids = plans.Select(p => p.Layers.Select(l => l.Id).ToArray()).ToArray();
        return new BlendedBatch(mixture.MoveToOuterDisposeScope(), targets.contiguous().MoveToOuterDisposeScope(),
            weights.MoveToOuterDisposeScope(), ids);
    }

    /// <summary>V = sum_i w_i V_i (paper eq. 1 for k = 2): targets [B, k, 3, T, H, W], weights [B, k] -> [B, 3, T, H, W].</summary>
    public static Tensor Blend(Tensor targets, Tensor weights)
    {
        using var scope = torch.NewDisposeScope();
        long b = targets.shape[0], k = targets.shape[1];
        return (targets * weights.view(b, k, 1, 1, 1, 1)).sum(1).MoveToOuterDisposeScope();
    }

    // Reflection-style samples mix per pixel, (1 - a(x)) T + a(x) R; the others with their constant weights.
    private static Tensor BlendPerPixel(Tensor targets, IReadOnlyList<SamplePlan> plans, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        int k = (int)targets.shape[1];
        var maps = new List<Tensor>(plans.Count);       // each [k, 1, 1, H, W]
        foreach (SamplePlan plan in plans)
        {
            if (plan.Reflection is { } mix)
                maps.Add(mix.WeightMaps(height, width));
            else
                maps.Add(torch.tensor(plan.Weights.Select(x => (float)x).ToArray()).view(k, 1, 1, 1, 1).expand(k, 1, 1, height, width));
        }
        return (targets * torch.stack(maps)).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>One layer -> [3, T, H, W] float in [0, 1].</summary>
    public static Tensor RenderLayer(IFrameStore store, LayerPlan layer, int frames, int height, int width)
    {
        using var scope = torch.NewDisposeScope();
        Tensor result;
        switch (layer.Kind)
        {
            case LayerKind.Colour:
                PureColour c = layer.Colour!;
                result = torch.tensor(new[] { c.Red, c.Green, c.Blue }, new long[] { 3, 1, 1, 1 }).expand(3, frames, height, width).contiguous();
                break;
            case LayerKind.Photo:
            case LayerKind.Composite:
            case LayerKind.Procedural:
                // A still under camera motion (a photo, or a procedural texture); a composite draws its cut-outs of
                // other photos over it, a procedural layer its leaves of other textures.
                bool procedural = layer.Kind == LayerKind.Procedural;
                Tensor still = procedural ? ProceduralScene.Background(layer) : ReadPhoto(store, layer.Video);
                Tensor scene = CameraMotion.Render(still, layer.Camera!.Value, frames, height, width, layer.WindowWidth, layer.WindowHeight).ClampTo(0, 1);
                result = layer.Objects is { Count: > 0 } objects
                    ? CompositeScene.Compose(scene, objects, procedural ? ProceduralScene.LeafTextures(layer) : objects.Select(o => ReadPhoto(store, o.Photo)).ToList())
                    : scene;
                break;
            default:
                Tensor clip = ReadCrop(store, layer.Video, layer.Frames, layer.Box);   // [T, h, w, 3] uint8
                if (layer.Box.Width == width && layer.Box.Height == height)
                    result = clip.permute(3, 0, 1, 2).to_type(ScalarType.Float32).Over(255);
                else
                {
                    Tensor x = clip.permute(0, 3, 1, 2).to_type(ScalarType.Float32).Over(255); // [T, 3, h, w]
                    // Antialiased: a random resized crop of a large cache can shrink its field by 4x and more.
                    x = nn.functional.interpolate(x, new long[] { height, width }, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
                    result = x.permute(1, 0, 2, 3).ClampTo(0, 1);
                }
                break;
        }
        return result.contiguous().MoveToOuterDisposeScope();
    }

    // A whole still photo: [3, Hp, Wp] float in [0, 1].
    private static Tensor ReadPhoto(IFrameStore store, int video)
    {
        StoredVideo v = store.Videos[video];
        return ReadCrop(store, video, [0], new CropBox(0, 0, v.Width, v.Height))[0].permute(2, 0, 1).to_type(ScalarType.Float32).Over(255);
    }

    // uint8 [n, box.Height, box.Width, 3] of the given frames.
    private static Tensor ReadCrop(IFrameStore store, int video, int[] frames, CropBox box)
    {
        var bytes = new byte[frames.Length * box.Height * box.Width * 3];
        store.CopyCrop(video, frames, box, bytes);
        return torch.tensor(bytes, new long[] { frames.Length, box.Height, box.Width, 3 });
    }
}

namespace Centrifuge.Data;

/// <summary>
/// What a layer of a mixture is: a moving clip, a frozen clip, a camera-motion pseudo-video, a pure colour, a
/// composited pseudo-video (a camera-motion photo with moving cut-outs of other photos), or a procedural one (textures
/// and leaves drawn from no source, <see cref="ProceduralScene"/>).
/// </summary>
public enum LayerKind { Moving, Frozen, Photo, Colour, Composite, Procedural }

/// <summary>
/// Every random choice of one layer, drawn up front from the sample's RNG streams: the source, the frames, the crop
/// box, the camera path, the colour, the jitter. Rendering a plan is deterministic.
/// </summary>
public sealed record LayerPlan(LayerKind Kind, int Video, int[] Frames, CropBox Box, JitterFactors Jitter)
{
    public CameraPath? Camera { get; init; }
    /// <summary>Camera window at zoom 1, in photo pixels.</summary>
    public double WindowWidth { get; init; }
    public double WindowHeight { get; init; }
    public PureColour? Colour { get; init; }
    /// <summary>Composite layers: the cut-outs over the background photo, back to front; procedural layers: the leaves.</summary>
    public IReadOnlyList<SceneObject>? Objects { get; init; }
    /// <summary>Procedural layers: the seeds of the background's texture, then of each leaf's (<see cref="ProceduralTexture"/>).</summary>
    public IReadOnlyList<ulong>? Textures { get; init; }
    /// <summary>Whether the layer is cut from a stored video or photo (<see cref="Video"/>), which splits and pairing account for.</summary>
    public bool HasSource => Kind is not (LayerKind.Colour or LayerKind.Procedural);
    public string Id { get; init; } = "";
    /// <summary>Time reversal, channel order, hue, gamma and grayscale of the layer (<see cref="AugmentationPipeline"/>).</summary>
    public LayerAugment Augment { get; init; } = LayerAugment.None;
}

/// <summary>
/// One sample: its layers, their blending weights, and whether it is flipped left-right. With a
/// <see cref="Reflection"/> the layers are mixed per pixel and Weights holds their mean over the frame.
/// </summary>
public sealed record SamplePlan(IReadOnlyList<LayerPlan> Layers, double[] Weights, bool Flip)
{
    public ReflectionMix? Reflection { get; init; }
}

namespace Centrifuge.Data;

/// <summary>How a pair of layers is drawn: uniformly at random, or both from the same class (paper section 4.2).</summary>
public enum Pairing { Random, SameClass }

/// <summary>How a folder of numbered images is read: decided per folder, as frames of one video, or as still photos.</summary>
public enum ImageFolderMode { Auto, Frames, Photos }

/// <summary>A closed interval [Low, High] a value is drawn from uniformly.</summary>
public readonly record struct UniformRange(double Low, double High)
{
    public double Sample(ref SplitMix64 rng) => Low + (High - Low) * rng.NextDouble();
}

/// <summary>
/// Everything the training data depends on: sources, clip size, augmentation, mixing, psychophysics inputs and the
/// loader. Defaults follow the paper (section 4): 32 x 112 x 112 clips, short side 1.15 x crop, random crop and flip,
/// two layers blended with a = 0.5, batches of 10.
/// </summary>
public sealed record DataConfig
{
    // ---- sources ----
    /// <summary>Folders, Kinetics CSVs, text lists of paths or sample manifests (see <see cref="SourceCatalog"/>).</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];
    /// <summary>Root folder of the videos a Kinetics CSV names (default: the CSV's folder).</summary>
    public string? KineticsRoot { get; init; }
    /// <summary>A decoded-clip cache built by `centrifuge prepare`; null: see <see cref="CacheClips"/>.</summary>
    public string? Cache { get; init; }
    /// <summary>
    /// With no <see cref="Cache"/>, training caches the decoded clips in the user's cache folder
    /// (<see cref="UserCache.ClipsFolder"/>), shared by every run; false (train --no-cache) decodes the files at every step.
    /// </summary>
    public bool CacheClips { get; init; } = true;
    public ImageFolderMode ImageFolders { get; init; } = ImageFolderMode.Auto;
    /// <summary>Share of videos held out for validation when a source does not name the split itself.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    // ---- clips ----
    public int Frames { get; init; } = 32;
    public int Height { get; init; } = 112;
    public int Width { get; init; } = 112;
    /// <summary>Frames are resized so the short side is this times the crop size (paper: 1.15).</summary>
    public double ShortSideScale { get; init; } = 1.15;
    /// <summary>
    /// Short side training videos are decoded and cached at, in pixels (null = <see cref="ShortSide"/>). Larger (e.g. 192)
    /// keeps random resized crops (<see cref="CropScale"/>) sharp; validation still reads frames at <see cref="ShortSide"/>.
    /// </summary>
    public int? CacheShortSide { get; init; }
    /// <summary>Resample to this rate by picking frames; null keeps the source rate.</summary>
    public double? TargetFps { get; init; }
    /// <summary>Temporal stride drawn uniformly from [Min, Max] per layer in training (1 = consecutive frames).</summary>
    public int StrideMin { get; init; } = 1;
    public int StrideMax { get; init; } = 1;

    // ---- augmentation (training only) ----
    public double FlipProbability { get; init; } = 0.5;
    /// <summary>Crop side relative to the nominal crop, drawn per layer, then resized to H x W; null = no scale jitter.</summary>
    public UniformRange? ScaleJitter { get; init; }
    /// <summary>
    /// Random resized crops: each layer's field of view has a short side of this fraction of the frame's short side
    /// (drawn uniformly per layer, e.g. [0.25, 1]), then is resized to H x W; null = the nominal crop (and <see cref="ScaleJitter"/>).
    /// </summary>
    public UniformRange? CropScale { get; init; }
    /// <summary>Aspect jitter of random resized crops: the field's width/height over the clip's, drawn log-uniformly; null = the clip's.</summary>
    public UniformRange? CropAspect { get; init; }
    /// <summary>Brightness, contrast and saturation factors drawn from [1-j, 1+j] per layer (0 = off).</summary>
    public double ColourJitter { get; init; }
    /// <summary>Time reversal, channel permutation, hue, stronger contrast and saturation, gamma, grayscale, per layer.</summary>
    public AppearanceConfig Appearance { get; init; } = new();

    // ---- mixing ----
    /// <summary>Number of layers k blended into one mixture (paper: 2).</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Fixed blending weight a of V = (1-a)V1 + aV2 (paper: 0.5).</summary>
    public double Alpha { get; init; } = 0.5;
    /// <summary>When set, a is drawn uniformly from this range (paper tried [0.25, 0.75]); for k > 2 see <see cref="LayerWeights"/>.</summary>
    public UniformRange? AlphaRange { get; init; }
    public Pairing Pairing { get; init; } = Pairing.Random;

    // ---- psychophysics and widening inputs (probability per layer) ----
    /// <summary>A layer is a frozen clip: one random frame repeated T times (paper section 4.2).</summary>
    public double FrozenProbability { get; init; }
    /// <summary>A layer other than the first is a pure-colour clip in one of the paper's 8 colours.</summary>
    public double ColourProbability { get; init; }
    /// <summary>A layer is a camera-motion pseudo-video over a still photo (when the sources have photos).</summary>
    public double PhotoProbability { get; init; } = 0.25;
    public CameraMotionConfig CameraMotion { get; init; } = new();
    /// <summary>
    /// A layer is a composited moving-object pseudo-video: a photo under camera motion with cut-outs of other photos
    /// moving on their own paths (needs at least two photos in the split). Drawn before <see cref="PhotoProbability"/>.
    /// </summary>
    public double CompositeProbability { get; init; }
    public CompositeConfig Composite { get; init; } = new();
    /// <summary>
    /// A layer is a procedural "dead leaves" pseudo-video (<see cref="ProceduralScene"/>): textures and leaves drawn
    /// from no source. Drawn before <see cref="CompositeProbability"/>.
    /// </summary>
    public double ProceduralProbability { get; init; }
    public ProceduralConfig Procedural { get; init; } = new();
    /// <summary>
    /// A training sample is mixed as a reflection (<see cref="ReflectionConfig"/>): a blurred layer of spatially varying
    /// strength over a tinted one, instead of the uniform blend. Two layers only; validation blends stay uniform.
    /// </summary>
    public double ReflectionProbability { get; init; }
    public ReflectionConfig Reflection { get; init; } = new();

    // ---- loader ----
    public int BatchSize { get; init; } = 10;
    public int Workers { get; init; } = 1;
    /// <summary>Ready batches held at most; memory is bounded by this times one batch.</summary>
    public int QueueSize { get; init; } = 4;
    public long Seed { get; init; }

    /// <summary>The short side frames are stored and cropped at: 1.15 x the larger crop side.</summary>
    /// <summary>The clip T x H x W (<see cref="Frames"/>, <see cref="Height"/>, <see cref="Width"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ClipSize Clip => new(Frames, Height, Width);

    public int ShortSide => (int)Math.Ceiling(ShortSideScale * Math.Max(Height, Width) - 1e-9);

    /// <summary>The short side training videos are decoded at: <see cref="CacheShortSide"/>, else <see cref="ShortSide"/>.</summary>
    public int StoredShortSide => Math.Max(ShortSide, CacheShortSide ?? ShortSide);

    /// <summary>Throws a <see cref="CentrifugeException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok) throw new CentrifugeException("data config: " + message, ExitCodes.Usage);
        }
        // The loss takes spatial gradients: a clip one pixel high or wide fails in the first validation (issue 30).
        Check(Frames >= 1 && Height >= 2 && Width >= 2,
            $"clip {Frames}x{Height}x{Width}: frames must be >= 1, height and width >= 2 (the loss takes spatial gradients)");
        Check(ShortSideScale >= 1, "short_side_scale must be >= 1");
        Check(StrideMin >= 1 && StrideMax >= StrideMin, "stride_min must be >= 1 and <= stride_max");
        Check(Layers >= 2, "layers must be >= 2");
        Check(Alpha is >= 0 and <= 1, "alpha must be in [0, 1]");
        Check(AlphaRange is null || (AlphaRange.Value.Low >= 0 && AlphaRange.Value.High <= 1 && AlphaRange.Value.Low <= AlphaRange.Value.High),
            "alpha_range must lie in [0, 1] with low <= high");
        Check(ScaleJitter is null || (ScaleJitter.Value.Low > 0 && ScaleJitter.Value.Low <= ScaleJitter.Value.High), "scale_jitter must be positive with low <= high");
        Check(CacheShortSide is null || CacheShortSide >= ShortSide, $"cache_short_side must be at least the training short side ({ShortSide})");
        Check(CropScale is null || (CropScale.Value.Low > 0 && CropScale.Value.Low <= CropScale.Value.High && CropScale.Value.High <= 1),
            "crop_scale must lie in (0, 1] with low <= high");
        Check(CropScale is null || ScaleJitter is null, "crop_scale and scale_jitter exclude each other; set one");
        Check(CropAspect is null || (CropScale is not null && CropAspect.Value.Low > 0 && CropAspect.Value.Low <= CropAspect.Value.High),
            "crop_aspect needs crop_scale, and must be positive with low <= high");
        Check(ColourJitter is >= 0 and < 1, "colour_jitter must be in [0, 1)");
        (string Name, double Value)[] probabilities =
        [
            ("flip_probability", FlipProbability), ("frozen_probability", FrozenProbability), ("colour_probability", ColourProbability),
            ("photo_probability", PhotoProbability), ("composite_probability", CompositeProbability),
            ("procedural_probability", ProceduralProbability), ("reflection_probability", ReflectionProbability),
        ];
        foreach ((string name, double p) in probabilities)
            Check(p is >= 0 and <= 1, FormattableString.Invariant($"{name} must be in [0, 1], not {p}"));
        Check(ValidationFraction is >= 0 and < 1, "validation_fraction must be in [0, 1)");
        Check(TargetFps is null || TargetFps > 0, "target_fps must be positive");
        foreach (string problem in Composite.Problems()) Check(false, problem);
        foreach (string problem in Procedural.Problems()) Check(false, problem);
        foreach (string problem in Reflection.Problems()) Check(false, problem);
        foreach (string problem in Appearance.Problems()) Check(false, problem);
        Check(ReflectionProbability == 0 || Layers == 2, "reflection mixing needs layers = 2");
        Check(BatchSize >= 1 && Workers >= 1 && QueueSize >= 1, "batch_size, workers and queue_size must be >= 1");
    }
}

/// <summary>Camera motion over a still photo: pan, zoom and small rotation, interpolated smoothly across the clip.</summary>
public sealed record CameraMotionConfig
{
    /// <summary>Largest pan over the clip, as a fraction of the crop side.</summary>
    public double MaxPan { get; init; } = 0.5;
    /// <summary>Zoom at the start and end of the clip drawn from this range (1 = nominal crop).</summary>
    public UniformRange Zoom { get; init; } = new(0.85, 1.2);
    public double MaxRotationDegrees { get; init; } = 5;
    /// <summary>Photos are stored with their short side this times the clip's short side, so zooming in stays sharp.</summary>
    public double PhotoScale { get; init; } = 1.5;
}

using Centrifuge.Models;

namespace Centrifuge.Training;

/// <summary>
/// The common hyperparameters a command line (or an experiment's recipe) may override on top of a preset, a config
/// file or (on --resume) the run's stored config. Null = keep the config's value.
/// </summary>
public sealed record TrainingOverrides
{
    public IReadOnlyList<string>? Sources { get; init; }
    public string? Cache { get; init; }
    /// <summary>True: decode clips from the files at every step instead of caching them (<see cref="Data.DataConfig.CacheClips"/>).</summary>
    public bool NoCache { get; init; }
    public long? Iterations { get; init; }
    /// <summary>A model checkpoint to start a fresh run from (<see cref="TrainingConfig.InitialWeights"/>).</summary>
    public string? InitialWeights { get; init; }
    public int? BatchSize { get; init; }
    /// <summary>Clip T, H, W.</summary>
    public ClipSize? Clip { get; init; }
    /// <summary>n, the number of output layers of the model.</summary>
    public int? Layers { get; init; }
    public double? LearningRate { get; init; }
    public OptimizerKind? Optimizer { get; init; }
    public int? ValidationEvery { get; init; }
    public int? CheckpointEvery { get; init; }
    /// <summary>Blended pairs of the validation set (<see cref="TrainingConfig.ValidationPairs"/>).</summary>
    public int? ValidationPairs { get; init; }
    public bool? ValidateAtStart { get; init; }
    public int? KeepCheckpoints { get; init; }
    /// <summary>Sets both the weight-initialisation seed and the data seed.</summary>
    public int? Seed { get; init; }
    public int? Threads { get; init; }
    public string? Device { get; init; }
    /// <summary>Share of layers that are composited moving-object pseudo-videos (<see cref="DataConfig.CompositeProbability"/>).</summary>
    public double? CompositeProbability { get; init; }
    /// <summary>Most cut-outs per composited clip (<see cref="CompositeConfig.MaxObjects"/>).</summary>
    public int? MaxObjects { get; init; }
    /// <summary>Share of layers that are procedural pseudo-videos (<see cref="DataConfig.ProceduralProbability"/>).</summary>
    public double? ProceduralProbability { get; init; }
    /// <summary>Share of layers that are camera-motion photo pseudo-videos (<see cref="DataConfig.PhotoProbability"/>).</summary>
    public double? PhotoProbability { get; init; }
    /// <summary>Share of training samples mixed as a reflection (<see cref="DataConfig.ReflectionProbability"/>).</summary>
    public double? ReflectionProbability { get; init; }
    /// <summary>Share of layers that are frozen clips (<see cref="DataConfig.FrozenProbability"/>).</summary>
    public double? FrozenProbability { get; init; }
    /// <summary>Share of layers that are pure colours (<see cref="DataConfig.ColourProbability"/>).</summary>
    public double? ColourProbability { get; init; }
    public double? MaxMinutes { get; init; }
    public double? MaxCpuMinutes { get; init; }
    /// <summary>Project the two outputs so they average to the input (<see cref="ModelConfig.MixtureConsistency"/>).</summary>
    public bool? MixtureConsistency { get; init; }
    /// <summary>The encoder of the model (<see cref="ModelConfig.Encoder"/>): the I3D of the paper or per-frame 2D stages.</summary>
    public EncoderKind? Encoder { get; init; }
    public Precision? Precision { get; init; }

    public TrainingConfig ApplyTo(TrainingConfig config)
    {
        var data = config.Data;
        if (Sources is not null) data = data with { Sources = Sources };
        if (Cache is not null) data = data with { Cache = Cache };
        if (NoCache) data = data with { Cache = null, CacheClips = false };
        if (BatchSize is { } batch) data = data with { BatchSize = batch };
        if (Clip is { } clip) data = data with { Frames = clip.Frames, Height = clip.Height, Width = clip.Width };
        if (Seed is { } seed) data = data with { Seed = seed };
        if (CompositeProbability is { } composite) data = data with { CompositeProbability = composite };
        if (ProceduralProbability is { } procedural) data = data with { ProceduralProbability = procedural };
        if (PhotoProbability is { } photo) data = data with { PhotoProbability = photo };
        if (ReflectionProbability is { } reflection) data = data with { ReflectionProbability = reflection };
        if (FrozenProbability is { } frozen) data = data with { FrozenProbability = frozen };
        if (ColourProbability is { } colour) data = data with { ColourProbability = colour };
        if (MaxObjects is { } objects)
            data = data with { Composite = data.Composite with { MaxObjects = objects, MinObjects = Math.Min(data.Composite.MinObjects, objects) } };
        ModelConfig model = Layers is { } layers ? config.Model with { Layers = layers } : config.Model;
        if (MixtureConsistency is { } consistency) model = model with { MixtureConsistency = consistency };
        if (Encoder is { } encoder) model = model with { Encoder = encoder };
        return config with
        {
            Data = data,
            Model = model,
            Iterations = Iterations ?? config.Iterations,
            InitialWeights = InitialWeights ?? config.InitialWeights,
            LearningRate = LearningRate ?? config.LearningRate,
            Optimizer = Optimizer ?? config.Optimizer,
            ValidationEvery = ValidationEvery ?? config.ValidationEvery,
            CheckpointEvery = CheckpointEvery ?? config.CheckpointEvery,
            ValidationPairs = ValidationPairs ?? config.ValidationPairs,
            ValidateAtStart = ValidateAtStart ?? config.ValidateAtStart,
            KeepCheckpoints = KeepCheckpoints ?? config.KeepCheckpoints,
            Seed = Seed ?? config.Seed,
            Threads = Threads ?? config.Threads,
            Device = Device ?? config.Device,
            MaxMinutes = MaxMinutes ?? config.MaxMinutes,
            MaxCpuMinutes = MaxCpuMinutes ?? config.MaxCpuMinutes,
            Precision = Precision ?? config.Precision,
        };
    }
}

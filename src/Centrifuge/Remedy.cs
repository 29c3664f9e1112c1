namespace Centrifuge;

/// <summary>
/// What a user can do about a <see cref="CentrifugeException"/>, as data: the library knows no command-line flags, so a
/// front end phrases each remedy in its own terms (the CLI: OptionFlags.Describe). <see cref="CentrifugeException.RemedyDetail"/>
/// carries the one value a remedy needs (a folder, a short side).
/// </summary>
public enum Remedy
{
    None,
    /// <summary>Free some disk space, then continue the training run.</summary>
    FreeSpaceThenResume,
    /// <summary>Continue the run in the folder, or start it over.</summary>
    ResumeOrStartOver,
    /// <summary>Train into another run folder, or start this one over.</summary>
    OtherRunFolderOrStartOver,
    /// <summary>Put a loadable checkpoint back, or start the run over.</summary>
    RestoreCheckpointOrStartOver,
    /// <summary>Train with a steadier optimizer, a smaller learning rate or gradient clipping.</summary>
    SteadierTraining,
    /// <summary>Separate the shards into the output root (the detail) before merging them.</summary>
    SeparateShardsFirst,
    /// <summary>Name a model checkpoint, since there is no shipped one.</summary>
    NameAModel,
    /// <summary>Compute in fp32.</summary>
    UseFp32,
    /// <summary>Build a clip cache at the short side the detail names.</summary>
    PrepareCacheAtShortSide,
    /// <summary>Build the clip cache the detail names from the videos.</summary>
    PrepareCache,
    /// <summary>Use another clip cache folder.</summary>
    OtherCacheFolder,
    /// <summary>Name a training preset (the detail lists them) or a config file.</summary>
    NamePresetOrConfig,
    /// <summary>Name the training data: a folder of videos, a list, a Kinetics CSV or synthetic data (the detail).</summary>
    NameTrainingData,
    /// <summary>Make a model checkpoint of the training checkpoint the detail names (`average`), or use the run's best.ckpt.</summary>
    ExtractStepModel,
    /// <summary>Name the training config whose batches re-estimate batch-norm statistics.</summary>
    NameBatchNormConfig,
}

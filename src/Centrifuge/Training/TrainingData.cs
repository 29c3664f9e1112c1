namespace Centrifuge.Training;

/// <summary>Opens the batches a config trains on: generated moving shapes, or videos through the Data loader.</summary>
public static class TrainingData
{
    public static ITrainingBatches Open(TrainingConfig config)
    {
        if (config.IsSynthetic) return SyntheticShapesBatches.From(config);
        throw new CentrifugeException("training on video sources needs the Data loader (not merged yet)", ExitCodes.Usage);
    }
}

namespace Centrifuge.Training;

/// <summary>Opens the batches a config trains on: generated moving shapes, or videos through the Data stage.</summary>
public static class TrainingBatches
{
    public static ITrainingBatches Open(TrainingConfig config, IRunEvents? events = null) =>
        config.IsSynthetic ? SyntheticShapesBatches.From(config) : VideoBatches.Open(config, events);
}

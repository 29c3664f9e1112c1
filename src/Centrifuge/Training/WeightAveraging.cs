using Centrifuge.Models;

namespace Centrifuge.Training;

/// <summary>
/// What `centrifuge average` wrote: the inputs with their normalised weights, the model's size and scale, and over how
/// many training batches its batch-norm statistics were re-estimated (0: averaged with the weights).
/// </summary>
public sealed record AveragedModel(string Output, string[] Inputs, double[] Weights, long Parameters, TrainingScale? TrainedAt)
{
    public int BatchNormBatches { get; init; }
}

/// <summary>Re-estimate the averaged model's batch-norm statistics on <paramref name="Batches"/> training batches of <paramref name="Config"/> (<see cref="PreciseBatchNorm"/>).</summary>
public sealed record BatchNormUpdate(TrainingConfig Config, int Batches)
{
    /// <summary>
    /// The training config whose batches to use: <paramref name="configFiles"/> when given, else the run the first
    /// input comes from (a training checkpoint's own config, or the config.json beside a model checkpoint, as a run's
    /// best.ckpt has); then <paramref name="overrides"/> (the data, the cache) on top.
    /// </summary>
    public static BatchNormUpdate For(IReadOnlyList<string> inputs, IReadOnlyList<string> configFiles, TrainingOverrides overrides, int batches)
    {
        if (batches < 1) throw new OptionException("update_bn", batches, "must be >= 1 batch");
        if (configFiles.Count > 0) return new(TrainingSetup.Compose(null, configFiles, overrides), batches);
        string first = inputs.Count > 0 ? inputs[0] : throw new CentrifugeException("average: no model given", ExitCodes.Usage);
        string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(first))!, "config.json");
        TrainingConfig run = TrainingCheckpoint.IsTrainingCheckpoint(first) ? TrainingCheckpoint.ReadState(first).Config
            : File.Exists(beside) ? TrainingConfig.Load(beside)
            : throw new CentrifugeException($"{first}: no run config beside it ({beside}) to draw batch-norm batches from", ExitCodes.Usage)
                { Remedy = Remedy.NameBatchNormConfig };
        return new(overrides.ApplyTo(run).Validate(), batches);
    }
}

/// <summary>
/// `centrifuge average`: model checkpoints and a run's training checkpoints (checkpoints/step-N.ckpt, read for their
/// model weights only) averaged into one model checkpoint (<see cref="ModelAverager"/>). One input converts a training
/// checkpoint into a model that `evaluate` and `separate` take. The inputs must share the architecture and the scale
/// they were trained at; the output is written only once every input has been read (and, with a
/// <see cref="BatchNormUpdate"/>, its batch-norm statistics re-estimated), and never over a file without <c>force</c>.
/// </summary>
public static class WeightAveraging
{
    public static AveragedModel Run(IReadOnlyList<string> inputs, string output, IReadOnlyList<double>? weights = null, bool force = false,
        BatchNormUpdate? update = null, IRunEvents? events = null)
    {
        if (inputs.Count == 0) throw new CentrifugeException("average: no model given", ExitCodes.Usage);
        if (weights is not null && weights.Count != inputs.Count)
            throw new CentrifugeException($"average: {weights.Count} weights for {inputs.Count} models", ExitCodes.Usage);
        if (weights is not null && weights.Any(w => !(w > 0) || double.IsInfinity(w)))
            throw new CentrifugeException($"average: every weight must be positive and finite (got {string.Join(", ", weights)})", ExitCodes.Usage);
        string full = AtomicFile.CheckFileTarget(output, force, "a .ckpt file path");

        using var averager = new ModelAverager();
        TrainingScale? scale = null;
        string? scaleFrom = null;
        for (int i = 0; i < inputs.Count; i++)
        {
            string path = inputs[i];
            (CentrifugeModel model, TrainingScale? trainedAt) = Read(path);
            using (model)
            {
                if (averager.DifferencesFrom(model.Config) is { } differences)
                    throw new CentrifugeException($"{path}: another architecture than {inputs[0]}'s: {differences}", ExitCodes.IncompatibleModel);
                averager.Add(model, weights?[i] ?? 1);
            }
            if (trainedAt is null) continue;
            if (scale is not null && scale != trainedAt)
                throw new CentrifugeException($"{path}: trained at {Describe(trainedAt)}, {scaleFrom} at {Describe(scale)}: " +
                    "models trained at other scales are not averaged", ExitCodes.IncompatibleModel);
            (scale, scaleFrom) = (trainedAt, path);
        }

        using CentrifugeModel average = averager.ToModel();
        if (update is not null)
        {
            if (scale is not null && scale != update.Config.TrainedAt)
                events.Note($"batch-norm statistics from clips of {Describe(update.Config.TrainedAt)}; the models were trained at {Describe(scale)}");
            using ITrainingBatches batches = TrainingBatches.Open(update.Config, events);
            int layers = PreciseBatchNorm.Update(average, batches, update.Batches);
            events.Note($"batch-norm statistics of {layers} layers re-estimated on {update.Batches} training batches ({batches.Description})");
        }
        ModelCheckpoint.Save(average, full, scale);
        double total = weights?.Sum() ?? inputs.Count;
        return new AveragedModel(output, [.. inputs], [.. inputs.Select((_, i) => (weights?[i] ?? 1) / total)],
            average.parameters().Sum(p => p.numel()), scale) { BatchNormBatches = update?.Batches ?? 0 };
    }

    // A model checkpoint, or the model part of a training checkpoint with the scale its run trained at.
    private static (CentrifugeModel Model, TrainingScale? TrainedAt) Read(string path)
    {
        if (!TrainingCheckpoint.IsTrainingCheckpoint(path))
            return (ModelCheckpoint.Load(path), ModelCheckpoint.ReadTrainingScale(path));
        TrainingConfig config = TrainingCheckpoint.ReadState(path).Config;
        var model = CentrifugeModel.Create(config.Model);
        try
        {
            TrainingCheckpoint.LoadWeights(path, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return (model, config.TrainedAt);
    }

    private static string Describe(TrainingScale s) => $"{s.Frames}x{s.Height}x{s.Width} (short side {s.ShortSide})";
}

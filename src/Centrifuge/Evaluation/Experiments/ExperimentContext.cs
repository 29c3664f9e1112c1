using System.Diagnostics;
using Centrifuge.Data;
using Centrifuge.Evaluation.Scoring;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>
/// What every experiment protocol shares: the base training config (preset + data), the held-out clip pool of
/// Data's split, the training budget of one model, and helpers to train a variant through <see cref="Trainer"/>
/// and to score models on fixed held-out pairs.
/// </summary>
public sealed class ExperimentContext : IDisposable
{
    private readonly Centrifuge.Data.TrainingData _data;

    public ExperimentOptions Options { get; }
    /// <summary>The preset's recipe on the experiment's data: plain moving clips (no photos, frozen or colour layers), a = 0.5.</summary>
    public TrainingConfig Base { get; }
    /// <summary>Held-out videos (Data's validation split): every test pair comes from here.</summary>
    public ClipPool HeldOut => _data.Validation;
    /// <summary>Training videos (what the trainer draws from).</summary>
    public ClipPool TrainPool => _data.Train;
    public IReadOnlyList<SkippedSource> Skipped => _data.Skipped;
    public ISourceDecoder Decoder { get; }
    /// <summary>The experiment's channel: its notes, each variant's training and the cache's preparation.</summary>
    public IRunEvents? Events { get; }
    public Device Device { get; }
    /// <summary>Wall-clock training time of one model.</summary>
    public TimeSpan BudgetPerModel { get; }
    public List<TrainedVariantSummary> Trained { get; } = [];

    public ExperimentContext(ExperimentOptions options, int models, ISourceDecoder decoder, IRunEvents? events = null)
    {
        options.Validate();
        Options = options;
        Decoder = decoder;
        Events = events;
        Device = options.Compute.ApplyForTraining();   // evaluations and baselines too; each training applies the same again
        BudgetPerModel = TimeSpan.FromSeconds(options.BudgetMinutes * 60 / Math.Max(1, models));
        // Composed as `train` composes a run's config: the preset, then the experiment's recipe as overrides.
        var recipe = new TrainingOverrides
        {
            Sources = [options.Data], Seed = options.Seed, Clip = options.Clip, Threads = options.Compute.Threads, Device = options.Compute.Device,
            PhotoProbability = 0, CompositeProbability = 0, ProceduralProbability = 0, FrozenProbability = 0, ColourProbability = 0,
            // The budget ends a run (with a validation and a checkpoint, as train's max_minutes does); the schedule is
            // the preset's over this length.
            Iterations = options.MaxIterations ?? 1_000_000, MaxMinutes = BudgetPerModel.TotalMinutes,
            ValidateAtStart = false, ValidationEvery = int.MaxValue, ValidationPairs = Math.Min(options.Pairs, 16),
            CheckpointEvery = int.MaxValue, KeepCheckpoints = 1,
        };
        TrainingConfig uncached = TrainingSetup.Compose(options.Preset, [], recipe);
        string cache = PrepareCache(uncached.Data, options.Cache ?? Path.Combine(options.Out, "cache"), decoder, events);
        Base = TrainingSetup.Compose(options.Preset, [], recipe with { Cache = cache });
        _data = Centrifuge.Data.TrainingData.Open(Base.Data, decoder);
        HeldOut.EnsureUsable($"{options.Data}: held-out videos");
    }

    /// <summary>
    /// Decodes every source once into a clip cache at the clip's short side (reusing what is there), so the many
    /// models of a protocol read frames from memory-mapped files instead of running ffmpeg for every clip.
    /// </summary>
    private static string PrepareCache(DataConfig data, string folder, ISourceDecoder decoder, IRunEvents? events)
    {
        SourceList sources = SourceCatalog.Discover(data);
        PrepareReport report = ClipCacheBuilder.Prepare(sources, folder, new PrepareOptions { ShortSide = data.ShortSide }, decoder, events);
        events.Note($"clip cache {report.Cache}: {report.Decoded} decoded, {report.Reused} reused, {report.Skipped} skipped ({report.Seconds:F0} s)");
        return report.Cache;
    }

    /// <summary>
    /// Trains <paramref name="config"/> (a variant of <see cref="Base"/>) for <see cref="BudgetPerModel"/> (or
    /// <see cref="ExperimentOptions.MaxIterations"/>) in OUT/runs/NAME through the <see cref="Trainer"/> (the budget ends
    /// with a validation, as train's max_minutes does), and keeps the trained model in eval mode (saved as OUT/runs/NAME/model.ckpt).
    /// </summary>
    public TrainedVariant Train(string name, TrainingConfig config)
    {
        string runPath = Path.Combine(Options.Out, "runs", name);
        Events.Note($"training {name} for up to {BudgetPerModel.TotalMinutes:F1} min ({config.Model.Endpoint}, n = {config.Model.Layers}, " +
                    $"correction steps {config.Model.CorrectionSteps}, k = {config.Data.Layers}, frozen {config.Data.FrozenProbability})");
        RunFolder folder = RunFolder.Open(runPath, resume: false, force: Options.Force);
        var clock = new Stopwatch();
        CentrifugeModel model;
        TrainingOutcome outcome;
        using (TrainingParts parts = TrainingParts.FromConfig(config, events: Events))
        {
            using (var trainer = new Trainer(config, folder, parts, resume: false, Events))
            {
                clock.Start();
                outcome = trainer.Train();
                clock.Stop();
            }
            model = parts.TakeModel();   // the trained weights as they are in memory
        }
        model.to(Device);
        model.eval();
        string checkpoint = Path.Combine(folder.Path, "model.ckpt");
        ModelCheckpoint.Save(model, checkpoint, config.TrainedAt);
        double seconds = clock.Elapsed.TotalSeconds;
        Events.Note($"  {name}: {outcome.Iteration} iterations in {seconds:F0} s -> {checkpoint}");
        Trained.Add(new TrainedVariantSummary(name, outcome.Iteration, Math.Round(seconds, 1), checkpoint));
        return new TrainedVariant(name, model, outcome.Iteration, seconds, checkpoint);
    }

    /// <summary>The model given with --model, or one trained on <see cref="Base"/> under <paramref name="name"/>.</summary>
    public TrainedVariant TrainedOrGiven(string name)
    {
        if (Options.Model is not { } path) return Train(name, Base);
        CentrifugeModel model = ModelCheckpoint.Load(path, Device);
        model.eval();
        Trained.Add(new TrainedVariantSummary(name + " (given)", 0, 0, Path.GetFullPath(path)));
        return new TrainedVariant(name, model, 0, 0, Path.GetFullPath(path));
    }

    /// <summary><see cref="ExperimentOptions.Pairs"/> fixed held-out samples of <paramref name="config"/> (default: Base's data, k moving clips).</summary>
    public ValidationSet TestPairs(DataConfig? config = null, BlendRecipe? recipe = null)
    {
        DataConfig c = config ?? Base.Data;
        BlendRecipe r = recipe ?? BlendRecipe.Evaluation with { Kinds = Enumerable.Repeat(LayerKind.Moving, c.Layers).ToList() };
        return ValidationSet.Create(HeldOut, c, Options.Pairs, Options.Seed, r);
    }

    /// <summary>Scores the identity baseline and each model on the same pairs: rows in the order given (identity first).</summary>
    public ScoreRow[] Score(ValidationSet pairs, params CentrifugeModel[] models)
    {
        var runners = models.Select(m => new InferenceModel(m)).ToList();
        try
        {
            var contenders = new List<Contender> { Contender.Identity };
            contenders.AddRange(runners.Select((r, i) => Contender.Of($"model {i}", r)));
            return PairScorer.Score(pairs.Batches(Math.Max(1, Base.Data.BatchSize)), contenders);
        }
        finally
        {
            foreach (var r in runners) r.Dispose();
        }
    }

    public void Dispose() => _data.Dispose();
}

/// <summary>What the report says about each model an experiment used.</summary>
public sealed record TrainedVariantSummary(string Name, long Iterations, double Seconds, string Checkpoint);

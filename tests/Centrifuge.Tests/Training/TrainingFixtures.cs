using Centrifuge.Models;
using Centrifuge.Training;
using TorchSharp.Modules;

namespace Centrifuge.Tests.Training;

/// <summary>Small configs and helpers shared by the training tests.</summary>
internal static class TrainingFixtures
{
    /// <summary>
    /// Training tests run one at a time: they set libtorch's global thread count and RNG, and TorchSharp 0.107 can
    /// free a temporary Scalar under a garbage collection that lands mid-call ("Unknown scalar type"), which many
    /// training loops in parallel make likely.
    /// </summary>
    public const string Collection = "training";

    /// <summary>The tiny preset on generated moving shapes, shrunk further so a step takes milliseconds.</summary>
    public static TrainingConfig Tiny(long iterations, OptimizerKind optimizer = OptimizerKind.Adam, double? lr = null) =>
        TrainingPresets.Get("tiny") with
        {
            Data = TrainingPresets.Get("tiny").Data with { Sources = [TrainingConfig.SyntheticShapes], Frames = 4, Height = 16, Width = 16, BatchSize = 2, Seed = 7 },
            Iterations = iterations,
            Optimizer = optimizer,
            LearningRate = lr ?? (optimizer == OptimizerKind.Adam ? 1e-3 : 0.01),
            ValidationPairs = 4,
            ValidationEvery = 1000,
            CheckpointEvery = 1000,
            ValidateAtStart = false,
            Seed = 3,
            Threads = 1,
        };

    /// <summary>A sink that records what a training run reports, in order, and by kind for assertions.</summary>
    public sealed class Recorder : IRunEvents
    {
        public List<RunEvent> Events { get; } = [];
        public List<string> Notes { get; } = [];
        public List<ValidationResult> Validations { get; } = [];
        public List<TrainingProgress> Steps { get; } = [];
        public TrainingStart? Start { get; private set; }
        public Action<TrainingProgress>? OnStep { get; init; }

        public void Report(RunEvent e)
        {
            Events.Add(e);
            switch (e)
            {
                case RunNote note: Notes.Add(note.Text); break;
                case TrainingStart start: Start = start; break;
                case TrainingProgress step: Steps.Add(step); OnStep?.Invoke(step); break;
                case TrainingValidated validated: Validations.Add(validated.Result); break;
            }
        }
    }

    /// <summary>A model and optimizer of <paramref name="config"/> with a training checkpoint's weights and state loaded.</summary>
    public static (CentrifugeModel Model, OptimizerHelper Optimizer) LoadCheckpoint(TrainingConfig config, string path)
    {
        var model = CentrifugeModel.Create(config.Model);
        var optimizer = TrainingOptimizer.Create(config, model.parameters());
        TrainingCheckpoint.Load(path, model, optimizer);
        return (model, optimizer);
    }
}

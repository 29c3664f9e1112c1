using Centrifuge.Data;
using Centrifuge.Models;

namespace Centrifuge.Training;

/// <summary>
/// Named training configurations (data, not code), each pairing the model preset of the same name with a recipe.
/// <c>paper</c>: the paper's recipe as is (SGD 0.1, momentum 0.99, batch 10, 32x112x112 clips, 240k iterations).
/// <c>cpu-small</c>: what learns on a 2-core CPU (Adam 1e-3, 16x64x64 clips, batch 4; the paper's SGD did not
/// learn in a prototype's first minutes); <c>cpu-small-2d</c>: the same recipe with the per-frame 2D encoder.
/// <c>tiny</c>: tests and smoke runs (4x16x16 clips, 600 steps at a constant rate).
/// Adam runs keep the paper's step schedule shape (x0.5 / x0.25 / x0.1 at 5/12, 5/8, 5/6 of the run).
/// Every preset validates on spread pairs (each a view of its own, as `evaluate` scores); a config without a preset
/// keeps <see cref="TrainingConfig"/>'s centred default, and configs/cpu-small-default.json, the shipped model's recipe,
/// names centred, as its runs had it.
/// </summary>
public static class TrainingPresets
{
    public static IReadOnlyList<string> Names => ModelPresets.Names;

    public static TrainingConfig Get(string name)
    {
        ModelConfig model = ModelPresets.Get(name);
        var paper = new TrainingConfig { Model = model, ValidationPlacement = ClipPlacement.Spread };
        return name switch
        {
            "paper" => paper,
            "cpu-small" or "cpu-small-2d" => paper with
            {
                Data = paper.Data with { Frames = 16, Height = 64, Width = 64, BatchSize = 4 },
                Iterations = 20_000,
                Optimizer = OptimizerKind.Adam,
                LearningRate = 1e-3,
                ValidationEvery = 500,
                CheckpointEvery = 250,
                ValidationPairs = 100,
            },
            "tiny" => paper with
            {
                // Batch-norm running averages must catch up within a few hundred steps for eval-mode validation.
                Model = model with { BatchNormMomentum = 0.1 },
                Data = paper.Data with { Frames = 4, Height = 16, Width = 16, BatchSize = 4 },
                Iterations = 600,
                Optimizer = OptimizerKind.Adam,
                LearningRate = 1e-3,
                // A run this short gains nothing from decay: keep the rate constant.
                LrMilestones = [],
                LrFactors = [],
                ValidationEvery = 200,
                CheckpointEvery = 200,
                ValidationPairs = 16,
                LogEvery = 10,
                // Tensors this small gain nothing from a second thread: 300 steps took 5.3 s on 1 thread, 32 s on 2.
                Threads = 1,
            },
            _ => throw new CentrifugeException($"training preset '{name}': expected one of {string.Join(", ", Names)}", ExitCodes.Usage),
        };
    }
}

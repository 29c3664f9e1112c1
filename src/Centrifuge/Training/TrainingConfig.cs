using System.Text.Json;
using System.Text.Json.Serialization;
using Centrifuge.Data;
using Centrifuge.Losses;
using Centrifuge.Models;
using Centrifuge.Runtime;

namespace Centrifuge.Training;

/// <summary>The optimizer a run uses: the paper's SGD with momentum, or Adam (which learns faster in short CPU runs).</summary>
public enum OptimizerKind { Sgd, Adam }


/// <summary>
/// Every hyperparameter of a training run, in one JSON file (RUN_DIR/config.json). Defaults are the paper's recipe
/// (section 4.1): SGD, momentum 0.99, no weight decay, batch 10, learning rate 0.1 lowered to 0.05 / 0.025 / 0.01
/// at 100k / 150k / 200k of 240k iterations — milestones scale with <see cref="Iterations"/> for shorter runs.
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>The network (I3D endpoint, width, n output layers, predictor-corrector).</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>Where and how clips are drawn: sources, clip size T x H x W, blending, augmentation, batch size, cache.</summary>
    public DataConfig Data { get; init; } = new();

    /// <summary>Optional extra loss terms (consistency, diversity); the paper's default is the PIT loss alone.</summary>
    public LossConfig Loss { get; init; } = new();

    public long Iterations { get; init; } = 240_000;

    /// <summary>
    /// A model checkpoint (e.g. the shipped model) whose weights a fresh run starts from instead of a random
    /// initialisation; its architecture must equal <see cref="Model"/>, or be <see cref="Model"/> without its correctors
    /// (a predictor-only model: its weights fill the predictor, the correctors start fresh). The optimizer and schedule start fresh.
    /// Ignored when a run resumes from its own checkpoint. Null = random initialisation (the paper).
    /// </summary>
    public string? InitialWeights { get; init; }

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;
    public double LearningRate { get; init; } = 0.1;
    public double Momentum { get; init; } = 0.99;
    public double WeightDecay { get; init; }
    /// <summary>
    /// Adam only: apply <see cref="WeightDecay"/> as AdamW does (each step shrinks the weights by learning rate x weight
    /// decay) rather than as an L2 term in the gradient (false, the default, PyTorch's Adam).
    /// </summary>
    public bool DecoupledWeightDecay { get; init; }
    public double AdamBeta1 { get; init; } = 0.9;
    public double AdamBeta2 { get; init; } = 0.999;
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Iterations at which the learning rate steps down, given on a run of <see cref="LrMilestonesOf"/> iterations.</summary>
    public long[] LrMilestones { get; init; } = [100_000, 150_000, 200_000];
    /// <summary>The run length the milestones refer to; a run of <see cref="Iterations"/> scales them by Iterations / this.</summary>
    public long LrMilestonesOf { get; init; } = 240_000;
    /// <summary>The learning rate after each milestone, as a fraction of <see cref="LearningRate"/> (0.05 / 0.025 / 0.01 of 0.1).</summary>
    public double[] LrFactors { get; init; } = [0.5, 0.25, 0.1];
    /// <summary>Linear warm-up from 0 over this many iterations (0 = none, as in the paper).</summary>
    public long WarmupIterations { get; init; }
    /// <summary>Clip the global gradient L2 norm to this value (null = no clipping, as in the paper).</summary>
    public double? GradientClipNorm { get; init; }

    public int ValidationEvery { get; init; } = 1000;
    /// <summary>Size of the fixed, deterministic validation set (blended pairs, centre crops, no flips).</summary>
    public int ValidationPairs { get; init; } = 100;
    /// <summary>Seed of the validation pairs, apart from <see cref="Seed"/> so runs with different seeds are compared on the same pairs.</summary>
    public long ValidationSeed { get; init; }
    /// <summary>
    /// Where the validation pairs' clips are cut. Centred (the default of a config without a preset, as every run
    /// before 2026-12-04; every preset says spread, <see cref="TrainingPresets"/>): each video's
    /// middle clip and centre crop, so the pairs of V videos are at most V(V-1)/2 distinct views however many are asked
    /// for (15 for the 6 validation videos of data/corpus). Spread: start and crop place drawn per pair from the
    /// validation seed, so every pair is a view of its own and the best checkpoint is chosen on all of them
    /// (`evaluate`'s default).
    /// </summary>
    public ClipPlacement ValidationPlacement { get; init; } = ClipPlacement.Centred;
    /// <summary>Also validate before the first step, so the curve starts at the untrained model's loss.</summary>
    public bool ValidateAtStart { get; init; } = true;
    /// <summary>What best.ckpt is chosen by: loss (the default) or win_rate (ties broken by loss); see <see cref="BestCheckpointCriterion"/>.</summary>
    public BestCheckpointCriterion BestBy { get; init; } = BestCheckpointCriterion.Loss;
    public int CheckpointEvery { get; init; } = 1000;
    /// <summary>How many of the most recent training checkpoints to keep (best.ckpt is kept besides).</summary>
    public int KeepCheckpoints { get; init; } = 3;
    /// <summary>Print a progress line every this many iterations when the output is not a terminal.</summary>
    public int LogEvery { get; init; } = 20;

    /// <summary>Seeds the weight initialisation (torch.manual_seed); --seed also sets data.seed (batches are a pure function of it and the iteration).</summary>
    public int Seed { get; init; } = 1;
    /// <summary>libtorch intra-op threads (0 = libtorch's default).</summary>
    public int Threads { get; init; }
    /// <summary>
    /// Stop after this much training time (all sessions of the run together, validation included) with a last
    /// validation and checkpoint, as if the iterations had run out: how variants are compared at equal wall time.
    /// Null = no limit.
    /// </summary>
    public double? MaxMinutes { get; init; }
    /// <summary>
    /// Stop after this many minutes of the training process's CPU time (all sessions): a budget that other processes
    /// on the machine do not eat into, for comparing variants on a shared machine (one thread: CPU time = wall time
    /// when idle). Null = no limit.
    /// </summary>
    public double? MaxCpuMinutes { get; init; }
    public string Device { get; init; } = "cpu";
    /// <summary>
    /// Arithmetic of the training step. Fp32: everything in float32 (the paper). Bf16: the forward pass under libtorch's
    /// CPU autocast — convolutions in bfloat16 on bf16 casts of the fp32 weights, the loss, the gradients' destination,
    /// the optimizer state and batch-norm statistics in float32 (speed-up and matching loss curves in docs/BENCHMARKS.md).
    /// </summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Device, precision and threads as the one record that applies them (<see cref="ComputeOptions.ApplyForTraining"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ComputeOptions Compute => new() { Device = Device, Precision = Precision, Threads = Threads };

    /// <summary>The scale its models are trained at, as their checkpoints record it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TrainingScale TrainedAt => new(Data.Frames, Data.Height, Data.Width, Data.ShortSide);

    /// <summary>After this many non-finite (NaN/Inf) losses in a row, reload the last good checkpoint.</summary>
    public int NonFiniteTolerance { get; init; } = 5;
    /// <summary>The learning rate is multiplied by this at each such reload.</summary>
    public double NonFiniteLrFactor { get; init; } = 0.5;
    /// <summary>Give up (the run diverges) after this many reloads.</summary>
    public int MaxNonFiniteReloads { get; init; } = 6;

    /// <summary>The data source that selects <see cref="SyntheticShapesBatches"/> (moving shapes generated in memory).</summary>
    public const string SyntheticShapes = "synthetic:shapes";

    /// <summary>True when the run trains on generated moving-shape clips rather than video files.</summary>
    [JsonIgnore]
    public bool IsSynthetic => Data.Sources.Count == 1 && Data.Sources[0].Equals(SyntheticShapes, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a config file, naming the file and the problem when it is unreadable.</summary>
    public static TrainingConfig Load(string path) => Load([path]);

    /// <summary>
    /// Reads config files in layers, each file's bases first, on the <see cref="TrainingPresets"/> preset
    /// <paramref name="preset"/> when given or the one the first file names, a later one overriding what it names of
    /// the earlier ones (<see cref="JsonLayers"/>; e.g. configs/cpu-small-default-leg1.json is a patch on
    /// cpu-small-default.json, itself a patch on the preset cpu-small).
    /// </summary>
    public static TrainingConfig Load(IReadOnlyList<string> paths, string? preset = null) =>
        JsonLayers.Load(paths, "training config", preset, TrainingPresets.Get);

    /// <summary>Checks values that would otherwise fail deep inside the loop; throws a one-line error naming the field.</summary>
    public TrainingConfig Validate()
    {
        void Require(bool ok, string what)
        {
            if (!ok) throw new CentrifugeException($"training config: {what}", ExitCodes.Usage);
        }
        Require(Iterations >= 1, "iterations must be >= 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate must be > 0");
        Require(Momentum >= 0 && Momentum < 1, "momentum must be in [0, 1)");
        Require(WeightDecay >= 0, "weight_decay must be >= 0");
        Require(!DecoupledWeightDecay || Optimizer == OptimizerKind.Adam, "decoupled_weight_decay needs optimizer adam");
        Require(!DecoupledWeightDecay || LearningRate * WeightDecay < 1, "learning_rate x weight_decay must be < 1 with decoupled_weight_decay");
        Require(LrMilestones.Length == LrFactors.Length, "lr_milestones and lr_factors must have the same length");
        Require(LrMilestonesOf >= 1, "lr_milestones_of must be >= 1");
        Require(WarmupIterations >= 0, "warmup_iterations must be >= 0");
        Require(GradientClipNorm is null || GradientClipNorm > 0, "gradient_clip_norm must be > 0 when set");
        Require(ValidationEvery >= 1, "validation_every must be >= 1");
        Require(ValidationPairs >= 1, "validation_pairs must be >= 1");
        Require(CheckpointEvery >= 1, "checkpoint_every must be >= 1");
        Require(KeepCheckpoints >= 1, "keep_checkpoints must be >= 1");
        Require(LogEvery >= 1, "log_every must be >= 1");
        Require(Threads >= 0, "threads must be >= 0");
        Require(MaxMinutes is null or > 0, "max_minutes must be positive");
        Require(MaxCpuMinutes is null or > 0, "max_cpu_minutes must be positive");
        Require(Precision == Precision.Fp32 || Device.Trim().Equals("cpu", StringComparison.OrdinalIgnoreCase),
            "precision bf16 uses libtorch's CPU autocast: it needs device cpu");
        Require(NonFiniteTolerance >= 1, "non_finite_tolerance must be >= 1");
        Require(NonFiniteLrFactor > 0 && NonFiniteLrFactor < 1, "non_finite_lr_factor must be in (0, 1)");
        Require(Model.Layers >= Data.Layers, $"model.layers ({Model.Layers}) must be >= data.layers ({Data.Layers}), the videos blended");
        Model.Validate();
        Data.Validate();
        Loss.Validate();
        return this;
    }
}

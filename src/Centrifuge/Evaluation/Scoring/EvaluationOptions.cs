using Centrifuge.Data;
using Centrifuge.Models;
using Centrifuge.Runtime;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>How `centrifuge evaluate` draws and scores its pairs. Clip null: the clip the model file says it was trained
/// at, else the training run's clip size when the checkpoint sits in a run folder (its config.json), else the paper's
/// 32 x 112 x 112.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Number of blended pairs N (the same N pairs for every model, given the seed).</summary>
    public int Pairs { get; init; } = 100;
    public long Seed { get; init; } = 1;
    /// <summary>
    /// Where each pair's clips are cut: spread (the default) draws each clip's start and crop place from the seed, so
    /// N pairs of a few videos are N distinct views; centred takes every video's middle clip and centre crop (the
    /// trainer's validation), so a folder of V videos gives at most V(V-1)/2 distinct pairs, however large N.
    /// </summary>
    public ClipPlacement Placement { get; init; } = ClipPlacement.Spread;
    public ClipSize? Clip { get; init; }
    /// <summary>Device, precision and threads of the model's forward passes (applied by <see cref="Evaluator.Run(string, string, EvaluationOptions, ISourceDecoder, IRunEvents)"/>).</summary>
    public ComputeOptions Compute { get; init; } = new();
    /// <summary>Clip cache folder for the evaluation videos (kept and reused); null = a temporary one.</summary>
    public string? Cache { get; init; }
    /// <summary>Pairs per forward pass (memory is bounded by this).</summary>
    public int BatchSize { get; init; } = 4;
    /// <summary>
    /// A second checkpoint (e.g. the shipped model) scored on the same pairs as the row "reference" and compared with
    /// the model pair by pair (<see cref="Losses.PairedComparison"/>); any architecture; null = none.
    /// </summary>
    public string? Reference { get; init; }
    /// <summary>
    /// The strength of the model's layers (<see cref="LayerStrength"/>: 1 = as the model
    /// outputs them, 0 = the identity), as `separate` would write them; the untrained row stays at full strength, the
    /// reference at <see cref="ReferenceStrength"/>.
    /// </summary>
    public double Strength { get; init; } = LayerStrength.Full;

    /// <summary>A strength per pair instead (`--strength auto`, <see cref="Models.AdaptiveStrength"/>), or null; needs <see cref="Strength"/> 1.</summary>
    public AdaptiveStrength? AdaptiveStrength { get; init; }

    /// <summary>The strength of the reference's layers (`evaluate --against`: the strength its file records unless --strength is given).</summary>
    public StrengthSetting ReferenceStrength { get; init; } = StrengthSetting.Full;

    public void Validate()
    {
        if (Pairs < 1) throw new OptionException("pairs", Pairs, "must be >= 1");
        if (BatchSize < 1) throw new OptionException("batch_size", BatchSize, "must be >= 1");
        Clip?.Validate();
        LayerStrength.Validate(Strength, AdaptiveStrength);
        ReferenceStrength.Validate();
    }
}

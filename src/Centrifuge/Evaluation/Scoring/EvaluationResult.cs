using System.Text.Json.Serialization;
using Centrifuge.Data;
using Centrifuge.Losses;
using Centrifuge.Models;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// The paper's Table 1 on N held-out pairs: identity baseline (both outputs = the mixture), the same architecture
/// untrained (random init, fixed seed), and the model; <see cref="RatioToIdentity"/> = model loss / identity loss
/// (paper: 0.187 / 0.361 = 0.52). JSON: pairs, identity, untrained, model, ratio_to_identity, per_pair, per_video,
/// per_video_pair, balanced_win_rate, strength, adaptive_strength with `--strength auto`, and with a reference model (`evaluate --against`) reference, reference_strength and comparison.
/// </summary>
public sealed record EvaluationResult(int Pairs, ScoreRow Identity, ScoreRow Untrained, ScoreRow Model, double RatioToIdentity)
{
    /// <summary>Every pair's scores, in the order the pairs were drawn (what the means and the win rate summarise).</summary>
    public IReadOnlyList<PairScore> PerPair { get; init; } = [];

    /// <summary>The pairs' PSNRi gathered by source video, worst median first (derived from <see cref="PerPair"/>).</summary>
    public IReadOnlyList<VideoGroup> PerVideo => VideoGroup.ByVideo(PerPair);

    /// <summary>The pairs' PSNRi gathered by unordered pair of source videos, worst median first (derived from <see cref="PerPair"/>).</summary>
    public IReadOnlyList<VideoGroup> PerVideoPair => VideoGroup.ByVideoPair(PerPair);

    /// <summary>The model's win rate with each video pair counted once (<see cref="VideoGroup.BalancedWinRate"/>), derived from <see cref="PerPair"/>.</summary>
    public double BalancedWinRate => VideoGroup.BalancedWinRate(PerVideoPair);

    /// <summary>The strength the model's layers were scored at (<see cref="EvaluationOptions.Strength"/>; 1 = as the model outputs them).</summary>
    public double Strength { get; init; } = LayerStrength.Full;

    /// <summary>The rule the model's layers were scored with instead of a fixed strength (`--strength auto`), or null (and absent from JSON).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AdaptiveStrength? AdaptiveStrength { get; init; }

    /// <summary>The reference model's row (<see cref="EvaluationOptions.Reference"/>), null (and absent from JSON) without one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScoreRow? Reference { get; init; }

    /// <summary>The strength the reference's layers were scored at (<see cref="EvaluationOptions.ReferenceStrength"/>); null (and absent from JSON) without a reference.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StrengthSetting? ReferenceStrength { get; init; }

    /// <summary>The model against the reference, pair by pair on PSNRi; null (and absent from JSON) without a reference.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PairedComparison? Comparison { get; init; }

    /// <summary>Sources of the data that could not be used, and why (reported, not serialised).</summary>
    [JsonIgnore]
    public IReadOnlyList<SkippedSource> Skipped { get; init; } = [];

    /// <summary>What was evaluated, for the report: checkpoint, data, clip size, seed, precision.</summary>
    [JsonIgnore]
    public IReadOnlyList<(string Name, string Value)> Setup { get; init; } = [];
}

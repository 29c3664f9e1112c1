using System.Text.Json.Serialization;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// One evaluated pair: its number, the file names of the videos blended, the identity's and the model's loss, and the
/// model's and the untrained architecture's PSNRi (dB; above 0 = better than returning the mixture), and the reference
/// model's PSNRi when there is one (`evaluate --against`), and the pair's own strength under `--strength auto`.
/// </summary>
public sealed record PairScore(int Pair, IReadOnlyList<string> Videos, double IdentityLoss, double Loss, double Psnri, double UntrainedPsnri)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ReferencePsnri { get; init; }

    /// <summary>With `--strength auto`: the strength the model's layers were scored at on this pair; absent otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Strength { get; init; }
}

using System.Text.Json.Serialization;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// One evaluated pair: its number, the file names of the videos blended, the identity's and the model's loss, and the
/// model's and the untrained architecture's PSNRi (dB; above 0 = better than returning the mixture), and the reference
/// model's PSNRi when there is one (`evaluate --against`).
/// </summary>
public sealed record PairScore(int Pair, IReadOnlyList<string> Videos, double IdentityLoss, double Loss, double Psnri, double UntrainedPsnri)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ReferencePsnri { get; init; }
}

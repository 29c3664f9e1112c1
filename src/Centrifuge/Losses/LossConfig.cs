namespace Centrifuge.Losses;

/// <summary>Which outputs the diversity term pushes apart.</summary>
public enum DiversityPairs
{
    /// <summary>The outputs matched to targets (the paper's −l(O_i, O_j) with i, j matched to V1, V2).</summary>
    Matched,
    /// <summary>Every pair of the n outputs.</summary>
    All,
}

/// <summary>
/// Weights of the optional training-loss terms; the paper's defaults are 0 (both terms were tried and dropped,
/// section 4.1 "Additional loss functions"). JSON-serialisable.
/// </summary>
public sealed record LossConfig
{
    /// <summary>Weight of the consistency term (eq. 4): l(V, Σ_i w_i · O_π(i)) with the known blend weights w.</summary>
    public double ConsistencyWeight { get; init; }

    /// <summary>Weight of the diversity term −mean l(O_i, O_j) over <see cref="DiversityPairs"/>.</summary>
    public double DiversityWeight { get; init; }

    public DiversityPairs DiversityPairs { get; init; } = DiversityPairs.Matched;

    /// <summary>
    /// Weight of the squared-error term: per sample, Σ_i mean((O_π(i) − V_i)²) over the matched layers (not in the paper).
    /// Under uncertainty the L1 loss is minimised by the conditional median (a confident choice of one layer), the squared
    /// error by the conditional mean (each layer a blend), which PSNR and the win rate reward. Absent from JSON when 0.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public double SquaredWeight { get; init; }

    /// <summary>Throws a <see cref="CentrifugeException"/> for negative or non-finite weights.</summary>
    public void Validate()
    {
        if (!double.IsFinite(ConsistencyWeight) || ConsistencyWeight < 0)
            throw new CentrifugeException($"loss config: consistency_weight = {ConsistencyWeight} must be a finite number >= 0", ExitCodes.Usage);
        if (!double.IsFinite(DiversityWeight) || DiversityWeight < 0)
            throw new CentrifugeException($"loss config: diversity_weight = {DiversityWeight} must be a finite number >= 0", ExitCodes.Usage);
        if (!double.IsFinite(SquaredWeight) || SquaredWeight < 0)
            throw new CentrifugeException($"loss config: squared_weight = {SquaredWeight} must be a finite number >= 0", ExitCodes.Usage);
    }
}

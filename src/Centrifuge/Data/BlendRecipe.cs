namespace Centrifuge.Data;

/// <summary>
/// How samples are drawn: training (random offsets, crops, flips, jitter and alpha range) or evaluation (centred,
/// no flip, fixed alpha); optionally with fixed layer kinds, e.g. [Frozen, Moving] or [Moving, Colour] for the paper's
/// psychophysics sets, and a fixed colour.
/// </summary>
public sealed record BlendRecipe(bool Training)
{
    public static readonly BlendRecipe Train = new(true);
    public static readonly BlendRecipe Evaluation = new(false);

    /// <summary>The kind of each layer (length k); null draws kinds from the config's probabilities.</summary>
    public IReadOnlyList<LayerKind>? Kinds { get; init; }
    /// <summary>The colour of Colour layers; null draws one of the 8 per sample.</summary>
    public string? Colour { get; init; }
}

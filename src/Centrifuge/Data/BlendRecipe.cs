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

    /// <summary>
    /// Evaluation only: where each layer's clip is cut. <see cref="ClipPlacement.Centred"/> (the default) takes the
    /// middle frames and the centre crop, so every pair of the same two videos is the same view;
    /// <see cref="ClipPlacement.Spread"/> draws the start frame and the crop's place from the sample's seed (the crop at
    /// its nominal size, stride 1, no flip or jitter), so N pairs of a few videos are N distinct views.
    /// </summary>
    public ClipPlacement Placement { get; init; }

    /// <summary>The kind of each layer (length k); null draws kinds from the config's probabilities.</summary>
    public IReadOnlyList<LayerKind>? Kinds { get; init; }
    /// <summary>The colour of Colour layers; null draws one of the 8 per sample.</summary>
    public string? Colour { get; init; }
}

/// <summary>Where an evaluation sample's clips are cut (<see cref="BlendRecipe.Placement"/>).</summary>
public enum ClipPlacement { Centred, Spread }

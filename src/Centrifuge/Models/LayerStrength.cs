using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// How far the layers move from the input towards the model's layers: every layer becomes
/// mixture + s (layer - mixture), pixel by pixel. s = 1 is the model itself; s = 0 is the identity baseline (every
/// layer the mixture). The same interpolation for every layer, so a permutation of the layers commutes with it and a
/// mixture-consistent model (layers that average to the mixture) stays mixture-consistent.
/// <para>
/// Why it exists: the PIT loss of every fixed layer order is convex in s, and the identity's loss is the same for
/// every order, so loss(s) &lt;= (1 - s) loss(0) + s loss(1). On a pair where the model beats the identity every s in
/// (0, 1] beats it too; on a pair where it does worse, a smaller s loses less, and may win. A lower strength trades
/// part of the mean gain for fewer and milder losses (models/README.md, "Strength").
/// </para>
/// </summary>
public static class LayerStrength
{
    /// <summary>The model's own layers (the default).</summary>
    public const double Full = 1;

    /// <summary>Refuses a strength outside [0, 1] (or NaN) as an <see cref="OptionException"/> of option "strength".</summary>
    public static void Validate(double strength)
    {
        if (!(strength is >= 0 and <= Full))
            throw new OptionException("strength", strength, "expected a number from 0 (the input itself) to 1 (the model's layers)");
    }

    /// <summary>
    /// <see cref="Validate(double)"/>, and a fixed strength other than 1 refused beside an <paramref name="adaptive"/>
    /// one (an <see cref="OptionException"/> of option "strength"); the adaptive rule itself validated.
    /// </summary>
    public static void Validate(double strength, AdaptiveStrength? adaptive)
    {
        Validate(strength);
        if (adaptive is null) return;
        adaptive.Validate();
        if (strength != Full) throw new OptionException("strength", strength, "a fixed strength cannot be combined with an adaptive one");
    }

    /// <summary>
    /// layers [B, n, 3, T, H, W], mixture [B, 3, T, H, W] (any device; moved to the layers') -> mixture + s (layers -
    /// mixture), float32 like the layers; <paramref name="layers"/> itself when s = 1.
    /// </summary>
    public static Tensor Apply(Tensor layers, Tensor mixture, double strength)
    {
        Validate(strength);
        if (strength == Full) return layers;
        RequireFit(layers, mixture);
        using var scope = torch.NewDisposeScope();
        Tensor centre = mixture.to(layers.device).to(layers.dtype).unsqueeze(1);
        return centre.PlusScaled(layers - centre, strength).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="separate"/> ([B, 3, T, H, W] -> [B, n, 3, T, H, W]) with its layers at <paramref name="strength"/>;
    /// itself at full strength.
    /// </summary>
    public static Func<Tensor, Tensor> Wrap(Func<Tensor, Tensor> separate, double strength)
    {
        Validate(strength);
        if (strength == Full) return separate;
        return input =>
        {
            using var scope = torch.NewDisposeScope();
            return Apply(separate(input), input, strength).MoveToOuterDisposeScope();
        };
    }

    /// <summary>
    /// <paramref name="separate"/> at a fixed <paramref name="strength"/>, or, when <paramref name="adaptive"/> is given
    /// (`--strength auto`), at a strength per window that <paramref name="applied"/> hears; the two cannot be combined.
    /// </summary>
    public static Func<Tensor, Tensor> Wrap(Func<Tensor, Tensor> separate, double strength, AdaptiveStrength? adaptive, Action<double[]>? applied = null)
    {
        if (adaptive is null) return Wrap(separate, strength);
        if (strength != Full) throw new ArgumentException($"strength {strength} and an adaptive strength cannot be combined");
        return adaptive.Wrap(separate, applied);
    }

    /// <summary>Throws unless layers [B, n, 3, T, H, W] and mixture [B, 3, T, H, W] agree on B, 3, T, H and W.</summary>
    internal static void RequireFit(Tensor layers, Tensor mixture)
    {
        if (layers.dim() != mixture.dim() + 1 || layers.shape[0] != mixture.shape[0] || !layers.shape.Skip(2).SequenceEqual(mixture.shape.Skip(1)))
            throw new ArgumentException($"layers [{string.Join(", ", layers.shape)}] do not fit the mixture [{string.Join(", ", mixture.shape)}]");
    }
}

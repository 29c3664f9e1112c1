using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// A strength chosen per window from the window's own layers (`--strength auto`; docs/RESULTS.md, "Strength"). The cue
/// is the <see cref="ContrastAlignment"/>: how closely each layer's departure from the input follows the input's own
/// contrast. Where it is high the model splits the input along its contrast (one layer takes the structure, the other
/// the flatter rest, as over a plain board), and on the card's pairs it wins those; where it is low the departure is a
/// structure of the model's own, and those are the pairs it loses. The strength rises linearly from
/// <see cref="Low"/> at an alignment of <see cref="From"/> or less to 1 at <see cref="To"/> or more. One strength per
/// window (per sample of a batch), the same for all its layers, so the layers still average to the input when the
/// model's did, and on every window loss(s) &lt;= (1 - s) loss(identity) + s loss(model) as for a fixed strength.
/// </summary>
public sealed record AdaptiveStrength(double Low, double From, double To)
{
    /// <summary>
    /// The rule `--strength auto` applies, chosen for the shipped model on the card's pairs (docs/RESULTS.md,
    /// "Strength", says how): 0.25 up to an alignment of 0.35, 1 from 0.55.
    /// </summary>
    public static AdaptiveStrength Default { get; } = new(0.25, 0.35, 0.55);

    /// <summary>Throws when <see cref="Low"/> is outside [0, 1] or the ramp is not 0 &lt;= From &lt; To &lt;= 1.</summary>
    public void Validate()
    {
        if (!(Low is >= 0 and <= LayerStrength.Full) || !(From >= 0 && To > From && To <= 1))
            throw new ArgumentException($"adaptive strength: low {Low} must lie in [0, 1] and the ramp {From}-{To} in [0, 1], rising");
    }

    /// <summary>
    /// layers [B, n, 3, T, H, W], mixture [B, 3, T, H, W] -> [B] (float64) in [0, 1]: the mean over the n layers of
    /// |Pearson correlation| between (layer - mixture) and the mixture, over every value of the window (all channels,
    /// frames and pixels). 0 where a layer is the mixture plus a constant, or the mixture is flat; a departure below 1e-4
    /// of the mixture's contrast counts as none.
    /// </summary>
    public static Tensor ContrastAlignment(Tensor layers, Tensor mixture)
    {
        LayerStrength.RequireFit(layers, mixture);
        using var scope = torch.NewDisposeScope();
        Tensor x = mixture.to(layers.device).to(ScalarType.Float64).flatten(1);              // [B, P]
        Tensor centred = x - x.mean([1], keepdim: true);                                      // [B, P]
        Tensor departure = layers.to(ScalarType.Float64).flatten(2) - x.unsqueeze(1);          // [B, n, P]
        departure = departure - departure.mean([2], keepdim: true);                            // a layer's offset is not contrast
        Tensor dot = (departure * centred.unsqueeze(1)).sum([2]);                              // [B, n]
        Tensor contrast = (centred * centred).sum([1]).unsqueeze(1);                           // [B, 1]
        // A departure below 1e-4 of the input's contrast (float32 rounding of a pure offset, say) counts as none: the
        // floor keeps its correlation near 0 instead of that of the rounding noise.
        Tensor norms = ((departure * departure).sum([2]) * contrast).sqrt().maximum(contrast.Times(1e-4)).AtLeast(1e-30);
        return (dot.abs() / norms).mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary>layers [B, n, 3, T, H, W], mixture [B, 3, T, H, W] -> the strength of each window, [B] (float64).</summary>
    public Tensor Strengths(Tensor layers, Tensor mixture)
    {
        Validate();
        using var scope = torch.NewDisposeScope();
        Tensor ramp = ContrastAlignment(layers, mixture).Minus(From).Over(To - From).ClampTo(0, 1);
        return ramp.Times(LayerStrength.Full - Low).Plus(Low).MoveToOuterDisposeScope();
    }

    /// <summary>mixture + s_b (layers - mixture) with s_b the strength of window b (<see cref="Strengths"/>), float32 like the layers.</summary>
    public Tensor Apply(Tensor layers, Tensor mixture)
    {
        using var scope = torch.NewDisposeScope();
        return At(layers, mixture, Strengths(layers, mixture)).MoveToOuterDisposeScope();
    }

    // mixture + s_b (layers - mixture), strengths [B].
    private static Tensor At(Tensor layers, Tensor mixture, Tensor strengths)
    {
        Tensor centre = mixture.to(layers.device).to(layers.dtype).unsqueeze(1);
        long[] perWindow = [layers.shape[0], .. Enumerable.Repeat(1L, (int)layers.dim() - 1)];   // [B, 1, ...]
        return centre.Plus(strengths.to(layers.dtype).view(perWindow) * (layers - centre));
    }

    /// <summary>
    /// <paramref name="separate"/> ([B, 3, T, H, W] -> [B, n, 3, T, H, W]) with each window's layers at its own strength;
    /// <paramref name="applied"/> hears the B strengths of every call.
    /// </summary>
    public Func<Tensor, Tensor> Wrap(Func<Tensor, Tensor> separate, Action<double[]>? applied = null)
    {
        Validate();
        return input =>
        {
            using var scope = torch.NewDisposeScope();
            Tensor layers = separate(input);
            Tensor strengths = Strengths(layers, input);
            applied?.Invoke(strengths.cpu().data<double>().ToArray());
            return At(layers, input, strengths).MoveToOuterDisposeScope();
        };
    }
}

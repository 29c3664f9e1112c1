using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>How the incoming window's weight rises over the overlap.</summary>
public enum CrossFadeShape
{
    Linear,
    /// <summary>Half a cosine period: zero slope at both ends, so the seam has no kink in brightness over time.</summary>
    RaisedCosine,
}

/// <summary>
/// Cross-fades the end of one window into the start of the next over their O overlapping frames. The incoming
/// weights w[t] rise from near 0 to near 1 and the outgoing ones are 1 - w[t], so each frame's weights sum to 1 and
/// a signal both windows agree on passes through unchanged.
/// </summary>
public static class CrossFade
{
    /// <summary>Weights of the incoming window for each overlap frame, sampled at frame centres: (t + 0.5) / O.</summary>
    public static double[] IncomingWeights(int frames, CrossFadeShape shape)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "need at least one overlap frame");
        var weights = new double[frames];
        for (int t = 0; t < frames; t++)
        {
            double x = (t + 0.5) / frames;
            weights[t] = shape switch
            {
                CrossFadeShape.Linear => x,
                CrossFadeShape.RaisedCosine => 0.5 - 0.5 * Math.Cos(Math.PI * x),
                _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
            };
        }
        return weights;
    }

    /// <summary>
    /// Blends two versions of the same overlap frames.
    /// outgoing, incoming: [..., T, H, W] with the time axis third from the end (e.g. [n, 3, O, H, W]) -> same shape.
    /// </summary>
    public static Tensor Blend(Tensor outgoing, Tensor incoming, CrossFadeShape shape)
    {
        if (!outgoing.shape.SequenceEqual(incoming.shape))
            throw new ArgumentException($"cross-fade of shapes [{string.Join(", ", outgoing.shape)}] and [{string.Join(", ", incoming.shape)}]");
        int frames = (int)outgoing.shape[^3];
        using var w = torch.tensor(IncomingWeights(frames, shape), dtype: outgoing.dtype, device: outgoing.device)
            .reshape(frames, 1, 1);
        // outgoing + w * (incoming - outgoing) = (1 - w) * outgoing + w * incoming
        return outgoing.Plus(w * (incoming - outgoing));
    }
}

using Centrifuge.Models;
using static TorchSharp.torch;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// Something that splits a mixture into layers, scored by <see cref="PairScorer"/>: a model, or the identity
/// baseline (every output layer is the mixture). <see cref="Separate"/>: [B, 3, T, H, W] in [-1, 1] ->
/// [B, n, 3, T, H, W]; null means the identity baseline.
/// </summary>
public sealed record Contender(string Name, Func<Tensor, Tensor>? Separate)
{
    public static Contender Identity { get; } = new("identity", null);

    /// <summary>A model run in eval mode (batch-norm running averages, as the paper does at test time) without gradients.</summary>
    public static Contender Of(string name, InferenceModel model) => new(name, model.Separate);
}

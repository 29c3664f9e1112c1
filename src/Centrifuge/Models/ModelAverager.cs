using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// Weight averaging of models of one architecture: a "model soup" (Wortsman et al., 2022: fine-tunes of the same
/// weights averaged), or stochastic weight averaging over a run's checkpoints (Izmailov et al., 2018). Every
/// floating-point entry of the state dict (weights, biases, batch-norm running means and variances) becomes the
/// weighted mean of the models', summed in float64; integer buffers (batch-norm's batch counts) take the largest.
/// Models are added one at a time, so averaging many costs the memory of two. Models that do not share a start (other
/// random initialisations) do not average into a working model, and nothing here can tell: score the result.
/// </summary>
public sealed class ModelAverager : IDisposable
{
    private readonly Dictionary<string, Tensor> sums = [];
    private double totalWeight;

    /// <summary>The architecture of the first model added; every later one must have the same.</summary>
    public ModelConfig? Config { get; private set; }

    /// <summary>How many models were added.</summary>
    public int Count { get; private set; }

    /// <summary>Every field in which <paramref name="config"/> differs from the first model's, or null when it may be added.</summary>
    public string? DifferencesFrom(ModelConfig config) =>
        Config is null || Config.Equals(config) ? null : ModelCheckpoint.DescribeDifferences(config, Config);

    /// <summary>
    /// Adds <paramref name="model"/> with <paramref name="weight"/> (> 0; the weights need not sum to 1). Throws
    /// <see cref="ArgumentException"/> for another architecture (the message names every field that differs).
    /// </summary>
    public void Add(CentrifugeModel model, double weight = 1)
    {
        if (!(weight > 0) || double.IsInfinity(weight))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "a model's weight must be positive and finite");
        if (DifferencesFrom(model.Config) is { } differences)
            throw new ArgumentException($"another architecture than the first model's: {differences}");
        Config ??= model.Config;
        using (torch.no_grad())
            foreach ((string name, Tensor value) in model.state_dict())
            {
                using var scope = torch.NewDisposeScope();
                if (!sums.TryGetValue(name, out Tensor? sum))
                {
                    sum = value.is_floating_point() ? torch.zeros_like(value, dtype: ScalarType.Float64) : value.detach().clone();
                    sums[name] = sum.MoveToOuterDisposeScope();
                }
                if (value.is_floating_point()) sum.PlusScaledInPlace(value.to(ScalarType.Float64), weight);
                else sum.copy_(torch.maximum(sum, value));
            }
        totalWeight += weight;
        Count++;
    }

    /// <summary>A new model (of <see cref="Config"/>, in training mode like a created one) holding the weighted mean of the models added.</summary>
    public CentrifugeModel ToModel()
    {
        if (Config is null) throw new InvalidOperationException("no model was added");
        var model = CentrifugeModel.Create(Config);
        using (torch.no_grad())
            foreach ((string name, Tensor target) in model.state_dict())
            {
                using var scope = torch.NewDisposeScope();
                Tensor sum = sums[name];
                target.copy_(target.is_floating_point() ? sum.Over(totalWeight).to(target.dtype) : sum);
            }
        return model;
    }

    public void Dispose()
    {
        foreach (Tensor sum in sums.Values) sum.Dispose();
        sums.Clear();
    }
}

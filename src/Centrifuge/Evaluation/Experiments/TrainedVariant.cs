using Centrifuge.Models;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>A model an experiment trained (or was given): its name, weights, iterations and training seconds, and its model checkpoint.</summary>
public sealed record TrainedVariant(string Name, CentrifugeModel Model, long Iterations, double Seconds, string Checkpoint) : IDisposable
{
    public void Dispose() => Model.Dispose();
}

using Centrifuge.Losses;
using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Training;

/// <summary>
/// The training objective of one step: outputs [B, n, 3, T, H, W], targets [B, k, 3, T, H, W], mixture [B, 3, T, H, W]
/// in [-1, 1] and blend weights [B, k]; <see cref="TrainingLossResult.Total"/> is the scalar the trainer backpropagates.
/// </summary>
public delegate TrainingLossResult TrainingObjective(Tensor outputs, Tensor targets, Tensor mixture, Tensor weights);

/// <summary>
/// What the <see cref="Trainer"/> trains with, handed in by its caller (as Asteroid's System(model, optimizer, loss,
/// loaders, scheduler)): the model, its optimizer, the loss, the batches and the learning-rate schedule.
/// <see cref="FromConfig"/> builds them from a training config, for `train` and the experiments alike. Disposing the
/// parts releases the optimizer (its momentum buffers or Adam moments), the batches and, unless the caller took it with
/// <see cref="TakeModel"/>, the model.
/// </summary>
public sealed class TrainingParts(CentrifugeModel model, OptimizerHelper optimizer, TrainingObjective loss, ITrainingBatches batches,
    LearningRateSchedule schedule) : IDisposable
{
    private bool _modelTaken;

    public CentrifugeModel Model { get; } = model;
    public OptimizerHelper Optimizer { get; } = optimizer;
    public TrainingObjective Loss { get; } = loss;
    public ITrainingBatches Batches { get; } = batches;
    public LearningRateSchedule Schedule { get; } = schedule;

    /// <summary>
    /// The parts of <paramref name="config"/>: its batches (<paramref name="batches"/> when given, else the config's
    /// data), its model seeded with <see cref="TrainingConfig.Seed"/> on its device in train mode, its optimizer over the
    /// model's parameters, its loss terms and its schedule. Sets libtorch's thread count first (before any tensor work).
    /// Call outside any dispose scope: the model and the optimizer's state live as long as the parts.
    /// </summary>
    public static TrainingParts FromConfig(TrainingConfig config, ITrainingBatches? batches = null, IRunEvents? events = null)
    {
        config.Validate();
        Device device = config.Compute.ApplyForTraining();
        ITrainingBatches data = batches ?? TrainingBatches.Open(config, events);
        CentrifugeModel? created = null;
        try
        {
            torch.manual_seed(config.Seed);
            created = CentrifugeModel.Create(config.Model);
            created.to(device);
            created.train();
            OptimizerHelper optimizer = TrainingOptimizer.Create(config, created.parameters());
            LossConfig terms = config.Loss;
            return new TrainingParts(created, optimizer, (outputs, targets, mixture, weights) => TrainingLoss.Compute(outputs, targets, mixture, weights, terms),
                data, LearningRateSchedule.From(config));
        }
        catch
        {
            created?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>The trained model, now the caller's to dispose (disposing the parts then leaves it alone).</summary>
    public CentrifugeModel TakeModel()
    {
        _modelTaken = true;
        return Model;
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        Batches.Dispose();
        if (!_modelTaken) Model.Dispose();
    }
}

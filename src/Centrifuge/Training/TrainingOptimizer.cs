using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Training;

/// <summary>Builds the optimizer a config asks for, and sets its learning rate each step from the schedule.</summary>
public static class TrainingOptimizer
{
    /// <summary>
    /// SGD (momentum, dampening 0, no Nesterov, as in the paper) or Adam over the model's parameters, each with a step that
    /// keeps its Scalars alive (<see cref="LiveScalarOptimizers"/>). Call outside any
    /// dispose scope: the optimizer's state tensors (momentum buffers, Adam moments) live as long as it does.
    /// </summary>
    public static OptimizerHelper Create(TrainingConfig config, IEnumerable<Parameter> parameters) =>
        config.Optimizer switch
        {
            OptimizerKind.Sgd => new LiveScalarOptimizers.SGD(parameters, config.LearningRate, config.Momentum, config.WeightDecay),
            OptimizerKind.Adam => new LiveScalarOptimizers.Adam(parameters, config.LearningRate, config.AdamBeta1, config.AdamBeta2,
                config.AdamEpsilon, config.WeightDecay, config.DecoupledWeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Optimizer, "unknown optimizer"),
        };

    public static void SetLearningRate(OptimizerHelper optimizer, double rate)
    {
        foreach (optim.ILearningRateController group in optimizer.ParamGroups) group.LearningRate = rate;
    }

    public static double LearningRate(OptimizerHelper optimizer) =>
        optimizer.ParamGroups.First().LearningRate;
}

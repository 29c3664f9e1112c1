namespace Centrifuge.Evaluation.Experiments;

/// <summary>One of the paper's experiments (or ours beyond it), runnable at CPU scale within a training budget.</summary>
public interface IExperimentProtocol
{
    /// <summary>The NAME of `centrifuge experiment NAME`.</summary>
    string Name { get; }
    /// <summary>One line for --help: what it measures and which table or figure of the paper it reproduces.</summary>
    string Summary { get; }
    /// <summary>How many models it trains (the budget is split evenly among them).</summary>
    int Models(ExperimentOptions options);
    ExperimentResult Run(ExperimentContext context);
}

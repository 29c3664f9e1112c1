using Centrifuge.Runtime;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>
/// How `centrifuge experiment NAME` runs: the data (split into training and held-out videos by Data's split), the
/// output folder, the wall-clock training budget shared by every model the protocol trains, and the preset
/// (model and training recipe) they start from.
/// </summary>
public sealed record ExperimentOptions
{
    public required string Data { get; init; }
    public required string Out { get; init; }
    /// <summary>Training time of the whole protocol, split evenly across the models it trains.</summary>
    public double BudgetMinutes { get; init; } = 30;
    /// <summary>Training preset (tiny, cpu-small, paper): model size, clip size, optimizer.</summary>
    public string Preset { get; init; } = "cpu-small";
    public int Seed { get; init; } = 1;
    /// <summary>Held-out blended pairs each test scores.</summary>
    public int Pairs { get; init; } = 50;
    /// <summary>Stop each training after this many iterations even if budget is left (smoke runs, tests).</summary>
    public long? MaxIterations { get; init; }
    /// <summary>How the run was asked for, as the front end spells it (results.md repeats it); null = not shown.</summary>
    public string? CommandLine { get; init; }
    /// <summary>Clip T, H, W; null = the preset's.</summary>
    public ClipSize? Clip { get; init; }
    /// <summary>A trained model for the protocols that test one (colors, same-class, downstream) instead of training it.</summary>
    public string? Model { get; init; }
    /// <summary>Clip cache folder shared by the models (and by several experiments on the same data); null = OUT/cache.</summary>
    public string? Cache { get; init; }
    /// <summary>Device and threads of every training, evaluation and baseline (training's precision is the preset's).</summary>
    public ComputeOptions Compute { get; init; } = new();
    /// <summary>Replace the results and runs of a previous experiment in <see cref="Out"/>.</summary>
    public bool Force { get; init; }

    public void Validate()
    {
        if (!(BudgetMinutes > 0)) throw new OptionException("budget_minutes", BudgetMinutes, "must be > 0");
        if (Pairs < 1) throw new OptionException("pairs", Pairs, "must be >= 1");
        if (MaxIterations is < 1) throw new OptionException("max_iterations", MaxIterations, "must be >= 1");
    }
}

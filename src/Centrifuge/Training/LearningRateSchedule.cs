namespace Centrifuge.Training;

/// <summary>
/// The paper's step schedule as a pure function of the iteration: base rate, optional linear warm-up, then a
/// factor that drops at each milestone. Milestones are scaled to the run length, so a 24k-iteration run drops at
/// 10k / 15k / 20k as the paper's 240k run does at 100k / 150k / 200k. Being stateless, it resumes exactly.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly double _baseRate;
    private readonly long _warmup;
    private readonly long[] _milestones;
    private readonly double[] _factors;

    public LearningRateSchedule(double baseRate, long[] milestones, double[] factors, long warmupIterations = 0)
    {
        if (milestones.Length != factors.Length) throw new ArgumentException("one factor per milestone");
        _baseRate = baseRate;
        _warmup = warmupIterations;
        _milestones = milestones;
        _factors = factors;
    }

    /// <summary>The schedule of a config: its milestones scaled from <see cref="TrainingConfig.LrMilestonesOf"/> to its iterations.</summary>
    public static LearningRateSchedule From(TrainingConfig config) =>
        new(config.LearningRate,
            config.LrMilestones.Select(m => ScaleMilestone(m, config.LrMilestonesOf, config.Iterations)).ToArray(),
            config.LrFactors, config.WarmupIterations);

    /// <summary>The milestones in iterations of this run.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <summary>The learning rate for the step that starts at <paramref name="iteration"/> (0-based).</summary>
    public double At(long iteration)
    {
        double factor = 1.0;
        for (int i = 0; i < _milestones.Length; i++)
            if (iteration >= _milestones[i]) factor = _factors[i];
        double warm = _warmup > 0 && iteration < _warmup ? (iteration + 1) / (double)_warmup : 1.0;
        return _baseRate * factor * warm;
    }

    internal static long ScaleMilestone(long milestone, long of, long iterations) =>
        (long)Math.Round(milestone * (double)iterations / of, MidpointRounding.AwayFromZero);
}

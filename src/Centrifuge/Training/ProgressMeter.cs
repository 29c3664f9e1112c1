namespace Centrifuge.Training;

/// <summary>
/// Running loss and speed over the most recent steps: the mean of the last finite losses, and iterations per
/// second over the last step durations (validation and checkpoint time excluded), from which the ETA follows.
/// </summary>
public sealed class ProgressMeter(int window)
{
    private readonly Queue<double> _losses = new();
    private readonly Queue<double> _seconds = new();
    private double _lossSum, _secondsSum;

    public void Add(double loss, double seconds)
    {
        if (double.IsFinite(loss)) Push(_losses, ref _lossSum, loss);
        Push(_seconds, ref _secondsSum, seconds);
    }

    public double RunningLoss => _losses.Count == 0 ? double.NaN : _lossSum / _losses.Count;

    public double ItersPerSecond => _secondsSum > 0 ? _seconds.Count / _secondsSum : 0;

    public TimeSpan? Eta(long remaining) =>
        ItersPerSecond > 0 ? TimeSpan.FromSeconds(Math.Min(remaining / ItersPerSecond, TimeSpan.MaxValue.TotalSeconds / 2)) : null;

    private void Push(Queue<double> queue, ref double sum, double value)
    {
        queue.Enqueue(value);
        sum += value;
        if (queue.Count > window) sum -= queue.Dequeue();
    }
}

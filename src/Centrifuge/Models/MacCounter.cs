namespace Centrifuge.Models;

/// <summary>
/// Counts the multiply-adds of the convolutions that run on this thread while a counter is open. Every conv layer
/// of the model reports itself from its actual shapes, so the count follows any input size and config.
/// </summary>
public sealed class MacCounter : IDisposable
{
    [ThreadStatic] private static MacCounter? _current;
    private readonly MacCounter? _outer;

    public double Macs { get; private set; }

    /// <summary>Starts counting on this thread until disposed.</summary>
    public MacCounter()
    {
        _outer = _current;
        _current = this;
    }

    /// <summary>Adds a convolution's multiply-adds if a counter is open (a no-op otherwise).</summary>
    public static void Add(double macs)
    {
        if (_current is not null) _current.Macs += macs;
    }

    public void Dispose() => _current = _outer;
}

using System.Runtime.InteropServices;

namespace Centrifuge.Cli;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM as a request to stop: the first one cancels <see cref="Token"/> (the command ends or
/// abandons its current piece of work, cleans up and exits with <see cref="ExitCode"/>, 130 / 143); a second one calls
/// the command's <c>second</c> action, which quits at once. Without it, .NET's default ends the process on the spot,
/// leaving temporary files and printing nothing.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<PosixSignal> _first, _second;
    private readonly PosixSignalRegistration _interrupt, _terminate;
    private volatile bool _settled;

    /// <param name="first">told of the first signal, before <see cref="Token"/> is cancelled (a note: what happens now)</param>
    /// <param name="second">called on a second signal: says what is lost and exits</param>
    public StopSignals(Action<PosixSignal> first, Action<PosixSignal> second)
    {
        _first = first;
        _second = second;
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Received { get; private set; }

    /// <summary>130 after SIGINT, 143 after SIGTERM (the shell's 128 + signal number).</summary>
    public int ExitCode => Received == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>The work is finished (and saved): from now on a signal changes nothing.</summary>
    public void Settle() => _settled = true;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext signal)
    {
        signal.Cancel = true;   // no immediate exit: the command stops where it can clean up
        if (_settled) return;
        if (_stop.IsCancellationRequested)
        {
            _second(signal.Signal);
            return;
        }
        Received = signal.Signal;
        _first(signal.Signal);
        _stop.Cancel();
    }
}

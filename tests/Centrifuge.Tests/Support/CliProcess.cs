using System.Diagnostics;
using System.Text;

namespace Centrifuge.Tests.Support;

/// <summary>The built CLI in a child process (<see cref="CliRunner.ExecutableDll"/>), its output collected line by line.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly StringBuilder _output = new(), _error = new();
    private readonly List<(Func<string, bool> Matches, ManualResetEventSlim Seen)> _outputWaits = [], _errorWaits = [];

    public Process Process { get; }

    private CliProcess(string[] args, Action<ProcessStartInfo>? configure = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[CliRunner.ExecutableDll, .. args]) start.ArgumentList.Add(arg);
        configure?.Invoke(start);
        Process = Process.Start(start)!;
        Process.OutputDataReceived += (_, e) => Collect(e.Data, _output, _outputWaits);
        Process.ErrorDataReceived += (_, e) => Collect(e.Data, _error, _errorWaits);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>Starts `centrifuge ARGS` (skips the calling test when the CLI is not built).</summary>
    public static CliProcess Start(params string[] args) => new(args);

    /// <summary>Starts `centrifuge ARGS` with its environment or working folder set by <paramref name="configure"/>.</summary>
    public static CliProcess Start(Action<ProcessStartInfo> configure, params string[] args) => new(args, configure);

    public string Output { get { lock (_output) return _output.ToString(); } }
    public string Error { get { lock (_error) return _error.ToString(); } }

    /// <summary>Waits for a line of standard output starting with <paramref name="prefix"/> (one seen before counts).</summary>
    public bool WaitFor(string prefix, TimeSpan timeout) =>
        Wait(_output, _outputWaits, line => line.StartsWith(prefix, StringComparison.Ordinal), timeout);

    /// <summary>Waits for a line of standard error containing <paramref name="text"/> (one seen before counts).</summary>
    public bool WaitForError(string text, TimeSpan timeout) =>
        Wait(_error, _errorWaits, line => line.Contains(text, StringComparison.Ordinal), timeout);

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", Process.Id.ToString()]);
        kill.WaitForExit();
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout)) return false;
        Process.WaitForExit();   // drain the output
        return true;
    }

    /// <summary>The exit code, once it exits within <paramref name="timeout"/>.</summary>
    public int Exit(TimeSpan timeout) =>
        WaitForExit(timeout) ? Process.ExitCode : throw new TimeoutException($"still running after {timeout}: {Error}");

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }

    private static void Collect(string? line, StringBuilder into, List<(Func<string, bool> Matches, ManualResetEventSlim Seen)> waits)
    {
        if (line is null) return;
        lock (into)
        {
            into.AppendLine(line);
            foreach (var (matches, seen) in waits) if (matches(line)) seen.Set();
        }
    }

    private static bool Wait(StringBuilder text, List<(Func<string, bool> Matches, ManualResetEventSlim Seen)> waits,
        Func<string, bool> matches, TimeSpan timeout)
    {
        var seen = new ManualResetEventSlim();
        lock (text)
        {
            if (text.ToString().Split('\n').Any(l => matches(l.TrimEnd('\r')))) return true;
            waits.Add((matches, seen));
        }
        return seen.Wait(timeout);
    }
}

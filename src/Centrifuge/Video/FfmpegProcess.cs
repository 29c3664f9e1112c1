using System.Diagnostics;
using System.Text;

namespace Centrifuge.Video;

/// <summary>
/// One running ffmpeg/ffprobe process with its stderr drained on its own task (a full stderr pipe would block
/// ffmpeg and deadlock the stdout reader). Kills the process on dispose if it is still running.
/// </summary>
internal sealed class FfmpegProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly FfmpegMemory.Peak _memory;
    private bool _exited;

    private FfmpegProcess(Process process)
    {
        _process = process;
        _memory = FfmpegMemory.Started(process.Id);
        _stderr = Task.Run(() => DrainBounded(process.StandardError));
    }

    /// <summary>Samples the process's peak memory (<see cref="FfmpegMemory"/>): readers and writers call it at every chunk.</summary>
    public void SampleMemory()
    {
        if (!_process.HasExited) _memory.Sample();   // once reaped, its process id may belong to another process
    }

    public Stream StandardOutput => _process.StandardOutput.BaseStream;
    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <summary>Starts <paramref name="exe"/> with arguments passed one by one (no shell quoting).</summary>
    public static FfmpegProcess Start(string exe, IEnumerable<string> arguments, bool redirectStdin = false)
    {
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        Process process = Process.Start(info)
            ?? throw new CentrifugeException($"{exe}: could not be started", ExitCodes.Environment);
        return new FfmpegProcess(process);
    }

    /// <summary>Runs to completion, returning exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(string exe, IEnumerable<string> arguments)
    {
        using FfmpegProcess process = Start(exe, arguments);
        string output = new StreamReader(process.StandardOutput).ReadToEnd();
        int code = process.WaitForExit(out string error);
        return (code, output, error);
    }

    /// <summary>Waits for the process to end; returns its exit code and everything it wrote to stderr.</summary>
    public int WaitForExit(out string stderr)
    {
        SampleMemory();   // the last chance: an exited process's memory is gone
        _process.WaitForExit();
        FfmpegMemory.Ended(_memory);
        _exited = true;
        stderr = _stderr.Result;
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_exited) SampleMemory();
        FfmpegMemory.Ended(_memory);
        if (!_exited)
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }
        try { _stderr.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _process.Dispose();
    }

    // Keeps the first 64 KiB of stderr: enough for any message we show, bounded for a stream of warnings.
    private static string DrainBounded(StreamReader reader)
    {
        const int limit = 64 * 1024;
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            if (text.Length < limit) text.Append(buffer, 0, Math.Min(read, limit - text.Length));
        return text.ToString();
    }

    /// <summary>The first non-empty line of ffmpeg's stderr without its "[codec @ 0x...]" prefix, for messages.</summary>
    public static string FirstLine(string stderr)
    {
        string line = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault() ?? "";
        if (line.StartsWith('[') && line.IndexOf("] ", StringComparison.Ordinal) is int close and > 0)
            line = line[(close + 2)..];
        return line;
    }
}

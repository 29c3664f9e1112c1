namespace Centrifuge;

/// <summary>Process exit codes: one per kind of failure a user can cause, so scripts can tell them apart.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Unexpected failure (a bug): reported with a stack trace under --verbose.</summary>
    public const int Internal = 1;
    /// <summary>Bad command line (System.CommandLine's own parse errors use this too).</summary>
    public const int Usage = 2;
    /// <summary>A dependency of the machine is missing or broken (libtorch, ffmpeg).</summary>
    public const int Environment = 3;
    /// <summary>An input path does not exist.</summary>
    public const int MissingInput = 10;
    /// <summary>An input exists but is not what was expected (a directory, an empty file, not a video…).</summary>
    public const int InvalidInput = 11;
    /// <summary>A video could be opened but not decoded as asked (corrupt, truncated, too short).</summary>
    public const int DecodeFailed = 12;
    /// <summary>An output already exists and --force was not given.</summary>
    public const int OutputExists = 13;
    /// <summary>Writing an output failed (disk full, permissions).</summary>
    public const int WriteFailed = 14;
    /// <summary>A checkpoint or config does not match what was asked for.</summary>
    public const int IncompatibleModel = 15;
    /// <summary>A model's output was NaN or infinite (wrong CPU kernels, a diverged model): reported, never written.</summary>
    public const int NonFiniteOutput = 16;
    /// <summary>A batch job finished, but some of its items failed.</summary>
    public const int PartialFailure = 20;
    /// <summary>Every item was processed, but some input was damaged and frames were lost (counted in the report).</summary>
    public const int CompletedWithLosses = 21;
    /// <summary>Stopped at once by a second SIGINT or SIGTERM, without saving what the first one would have saved.</summary>
    public const int StoppedUnsaved = 22;
    /// <summary>Stopped by SIGINT (Ctrl-C) after saving what it had (128 + 2, as shells report it).</summary>
    public const int Interrupted = 130;
    /// <summary>Stopped by SIGTERM after saving what it had (128 + 15).</summary>
    public const int Terminated = 143;

    // Video inputs (Video/VideoProbe, VideoReader): one code per way a video file can be unusable.
    /// <summary>An input path is a directory, a pipe or a device where a (seekable) video file was expected.</summary>
    public const int NotAFile = 30;
    /// <summary>An input video file is empty (0 bytes).</summary>
    public const int EmptyFile = 31;
    /// <summary>A file ffmpeg can open has no video stream (audio only, or an MP4 with only ftyp/mdat boxes).</summary>
    public const int NoVideoStream = 32;
    /// <summary>A video file ends before its container says it should (a cut-off download or copy).</summary>
    public const int TruncatedInput = 33;
    /// <summary>A video has fewer frames than were requested.</summary>
    public const int TooShort = 34;
    /// <summary>A video frame is smaller than the requested crop (refused under --strict).</summary>
    public const int FrameTooSmall = 35;
    /// <summary>A video stream uses a codec this ffmpeg cannot decode.</summary>
    public const int UnsupportedCodec = 36;
}

/// <summary>
/// An error the user can cause and fix (a bad file, a missing tool). The message is one line that names the
/// file or thing and the reason; the CLI prints it without a stack trace and exits with <see cref="ExitCode"/>.
/// </summary>
public class CentrifugeException : Exception
{
    public int ExitCode { get; }

    /// <summary>What the user can do about it, phrased by the front end (none: the message says all).</summary>
    public Remedy Remedy { get; init; }

    /// <summary>The value <see cref="Remedy"/> needs, when it needs one (a folder, a short side).</summary>
    public string? RemedyDetail { get; init; }

    public CentrifugeException(string message, int exitCode = ExitCodes.InvalidInput, Exception? inner = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
    }
}

namespace Centrifuge;

/// <summary>
/// The one temp-name-then-rename writer: a file (or folder) is written under a hidden temporary name in the same folder,
/// flushed to disk and renamed into place, so a crash, a full disk or a refused write never leaves a half-written output
/// and never loses the previous one. Write failures (full disk, permissions, a missing folder) become one-line
/// <see cref="CentrifugeException"/>s with <see cref="ExitCodes.WriteFailed"/>; an existing output that may not be
/// replaced becomes <see cref="ExitCodes.OutputExists"/>.
/// </summary>
public static class AtomicFile
{
    private const string TempTag = ".tmp-";

    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>. An existing file is replaced when
    /// <paramref name="overwrite"/>, else refused before anything is written. On failure the temp file is removed.
    /// </summary>
    /// <param name="openTemp">opens the temporary file (tests pass a stream that fails; default: a buffered FileStream)</param>
    public static void Write(string path, Action<Stream> write, bool overwrite = true, Func<string, Stream>? openTemp = null) =>
        Produce(path, temp =>
        {
            using Stream stream = (openTemp ?? OpenTemp)(temp);
            write(stream);
            stream.Flush();   // Commit flushes the file to disk before the rename
        }, overwrite);

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte-order mark).</summary>
    public static void WriteText(string path, string text, bool overwrite = true) =>
        Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)), overwrite);

    /// <summary>
    /// For writers whose bytes come from elsewhere (ffmpeg, an exporter that must be checked before it counts):
    /// <paramref name="produce"/> gets a temporary path in the target's folder ending in <paramref name="extension"/>
    /// (so tools that pick a format by name still work), writes it, and the file is then renamed into place.
    /// </summary>
    public static void Produce(string path, Action<string> produce, bool overwrite = true, string extension = "")
    {
        string full = Path.GetFullPath(path);
        RefuseExisting(full, overwrite);
        string temp = TempPath(full, extension);
        try
        {
            produce(temp);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (WriteError(full, e, temp) is var mapped && !ReferenceEquals(mapped, e)) throw mapped;
            throw;
        }
        Commit(temp, full, overwrite);
    }

    /// <summary>
    /// Flushes the finished temporary file <paramref name="temp"/> (from <see cref="TempPath"/>) to disk and renames it
    /// to <paramref name="path"/>; for writers whose temp file outlives one call (a video encoder). On failure the temp
    /// file is removed.
    /// </summary>
    public static void Commit(string temp, string path, bool overwrite = true)
    {
        string full = Path.GetFullPath(path);
        try
        {
            if (!File.Exists(temp)) throw new CentrifugeException($"{full}: nothing was written", ExitCodes.WriteFailed);
            using (var written = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) written.Flush(flushToDisk: true);
            RefuseExisting(full, overwrite);
            File.Move(temp, full, overwrite);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (WriteError(full, e, temp) is var mapped && !ReferenceEquals(mapped, e)) throw mapped;
            throw;
        }
    }

    /// <summary>
    /// A fresh temporary path beside <paramref name="path"/>: ".&lt;name&gt;.tmp-&lt;pid&gt;-&lt;id&gt;&lt;extension&gt;",
    /// shortened (<see cref="TempNames"/>) so it fits where the final name fits.
    /// </summary>
    public static string TempPath(string path, string extension = "")
    {
        string full = Path.GetFullPath(path);
        string suffix = $"{TempTag}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}{extension}";
        return Path.Combine(Path.GetDirectoryName(full)!, TempNames.Hidden(Path.GetFileName(full), suffix));
    }

    /// <summary>
    /// Moves the finished folder <paramref name="temp"/> to <paramref name="final"/>. An existing <paramref name="final"/>
    /// is refused unless <paramref name="overwrite"/>; when replaced it is moved aside first and restored if the move fails.
    /// </summary>
    public static void ReplaceFolder(string temp, string final, bool overwrite = true)
    {
        RefuseExisting(final, overwrite);
        string? old = null;
        try
        {
            if (Directory.Exists(final))
            {
                old = Path.Combine(Path.GetDirectoryName(final)!, TempNames.Hidden(Path.GetFileName(final), $".old-{Guid.NewGuid().ToString("N")[..8]}"));
                Directory.Move(final, old);
            }
            Directory.Move(temp, final);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (old is not null && !Directory.Exists(final)) Directory.Move(old, final);
            throw WriteError(final, e);
        }
        if (old is not null) TryDeleteFolder(old);
    }

    /// <summary>
    /// Refuses an existing <paramref name="path"/> (file or folder) unless <paramref name="overwrite"/>; a folder where a
    /// file is expected (or the reverse) is refused always.
    /// </summary>
    public static void RefuseExisting(string path, bool overwrite)
    {
        if (File.Exists(path) || Directory.Exists(path))
        {
            if (!overwrite) throw new CentrifugeException($"{path}: already exists", ExitCodes.OutputExists);
        }
    }

    /// <summary>
    /// Checks, before any work, that <paramref name="path"/> can receive one file: not a folder (OutputExists; the message
    /// says <paramref name="expected"/>, e.g. "a .ckpt file path"), not an existing file unless <paramref name="overwrite"/>,
    /// in a folder that exists (WriteFailed). Returns the full path.
    /// </summary>
    public static string CheckFileTarget(string path, bool overwrite, string expected)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CentrifugeException($"{path}: is a folder, expected {expected}", ExitCodes.OutputExists);
        if (File.Exists(full) && !overwrite) throw new CentrifugeException($"{path}: already exists", ExitCodes.OutputExists);
        string? folder = Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
            throw new CentrifugeException($"{path}: folder {folder} does not exist", ExitCodes.WriteFailed);
        return full;
    }

    /// <summary>
    /// The one-line error for a failed write of <paramref name="path"/>: a full disk, a permission problem or a missing
    /// folder become <see cref="ExitCodes.WriteFailed"/>; our own exceptions pass unchanged; anything else (a bug) too.
    /// The message names <paramref name="path"/>, never the temporary file <paramref name="temp"/> it was written as.
    /// </summary>
    public static Exception WriteError(string path, Exception e, string? temp = null) => e switch
    {
        CentrifugeException => e,
        _ when IsDiskFull(e) => new CentrifugeException(
            $"{path}: no space left on device; the previous file is kept (free some space, then run again)", ExitCodes.WriteFailed, e),
        UnauthorizedAccessException => new CentrifugeException($"{path}: cannot write: permission denied", ExitCodes.WriteFailed, e),
        DirectoryNotFoundException => new CentrifugeException(
            $"{path}: cannot write: folder {Path.GetDirectoryName(path)} does not exist", ExitCodes.WriteFailed, e),
        IOException => new CentrifugeException($"{path}: cannot write: {(temp is null ? e.Message : e.Message.Replace(temp, path))}", ExitCodes.WriteFailed, e),
        _ => e,
    };

    /// <summary>True when <paramref name="e"/> (or an exception inside it) is ENOSPC or EDQUOT.</summary>
    public static bool IsDiskFull(Exception? e) => FileErrors.IsDiskFull(e);

    /// <summary>True when <paramref name="path"/> is a temporary file this class writes.</summary>
    public static bool IsTemp(string path)
    {
        string name = Path.GetFileName(path);
        return name.StartsWith('.') && name.Contains(TempTag, StringComparison.Ordinal);
    }

    /// <summary>Deletes the temporary files a killed writer left behind in <paramref name="folder"/>.</summary>
    public static void RemoveStaleTemps(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (string temp in Directory.EnumerateFiles(folder, ".*" + TempTag + "*")) TryDelete(temp);
        foreach (string temp in Directory.EnumerateFiles(folder, ".*.tmp")) TryDelete(temp);   // the naming before 2026-11-30
    }

    private static Stream OpenTemp(string temp) =>
        new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void TryDeleteFolder(string folder)
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

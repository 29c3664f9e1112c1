namespace Centrifuge;

/// <summary>
/// Writes a file under a temporary name in the same folder, flushes it to disk and renames it into place, so a
/// crash or a full disk mid-write leaves the previous file intact. A full disk becomes a one-line error.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on failure the temp file is removed.</summary>
    public static void Write(string path, Action<Stream> write, Func<string, Stream>? openTemp = null)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(folder, TempNames.Hidden(Path.GetFileName(full), $".{Environment.ProcessId}.tmp"));
        try
        {
            using (Stream stream = (openTemp ?? OpenTemp)(temp))
            {
                write(stream);
                stream.Flush();
                if (stream is FileStream file) file.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (IsDiskFull(e))
                throw new CentrifugeException(
                    $"{full}: no space left on device; the previous file is kept (free some space, then run again)",
                    ExitCodes.WriteFailed, e);
            throw;
        }
    }

    /// <summary>True when <paramref name="e"/> (or an exception inside it) is ENOSPC or EDQUOT.</summary>
    public static bool IsDiskFull(Exception? e) => FileErrors.IsDiskFull(e);

    /// <summary>Deletes the temporary files a killed writer left behind in <paramref name="folder"/>.</summary>
    public static void RemoveStaleTemps(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (string temp in Directory.EnumerateFiles(folder, ".*.tmp")) TryDelete(temp);
    }

    private static Stream OpenTemp(string temp) =>
        new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

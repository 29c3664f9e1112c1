namespace Centrifuge.Inference.Output;

/// <summary>
/// The output folder of one input, OUTDIR/&lt;name&gt;/, built as OUTDIR/.&lt;name&gt;.tmp-XXXX/ and renamed into place only
/// when every file is complete. Disposing without <see cref="Commit"/> deletes the temporary folder, so a failed input
/// leaves nothing behind. An existing folder is refused unless force. While it is written, the sibling file
/// .&lt;name&gt;.tmp-XXXX.lock is held locked (flock); a run killed before it could clean up leaves both, and the next run
/// for the same name removes them once it can take that lock (proof that no live process is writing there).
/// </summary>
public sealed class SeparationOutputFolder : IDisposable
{
    private const string TempTag = ".tmp-", LockSuffix = ".lock";
    private const int IdLength = 8;
    private bool _committed;
    private readonly bool _force;
    private readonly FileStream _lock;

    public string FinalPath { get; }
    public string TempPath { get; }

    private SeparationOutputFolder(string finalPath, string tempPath, FileStream heldLock, bool force)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
        _lock = heldLock;
        _force = force;
    }

    /// <summary>The output folder name of an input: its file name without extension.</summary>
    public static string NameOf(string input) => Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(input));

    public static SeparationOutputFolder Begin(string outputRoot, string name, bool force)
    {
        if (System.IO.File.Exists(outputRoot))
            throw new CentrifugeException($"{outputRoot}: is a file, expected an output folder", ExitCodes.WriteFailed);
        string root = Path.GetFullPath(outputRoot);
        string final = Path.Combine(root, name);
        RefuseExisting(final, force);
        FileStream? held = null;
        try
        {
            Directory.CreateDirectory(root);
            RemoveStale(root, name);
            string temp = Path.Combine(root, TempPrefix(name) + Guid.NewGuid().ToString("N")[..IdLength]);
            held = new FileStream(temp + LockSuffix, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            Directory.CreateDirectory(temp);
            return new SeparationOutputFolder(final, temp, held, force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (held is not null) ReleaseLock(held);
            throw new CentrifugeException($"{root}: cannot create the output folder: {e.Message}", ExitCodes.WriteFailed, e);
        }
    }

    /// <summary>
    /// Removes the temporary folders (and lock files) that runs for <paramref name="name"/> left in <paramref name="root"/>
    /// when they were killed: only those whose lock can be taken, i.e. no live process holds it. Returns how many.
    /// </summary>
    public static int RemoveStale(string root, string name)
    {
        if (!Directory.Exists(root)) return 0;
        string prefix = TempPrefix(name);
        int removed = 0;
        foreach (string path in Directory.GetFileSystemEntries(root, ".*"))
        {
            string entry = Path.GetFileName(path);
            if (!entry.StartsWith(prefix, StringComparison.Ordinal)) continue;
            bool isLock = entry.EndsWith(LockSuffix, StringComparison.Ordinal);
            if (entry.Length != prefix.Length + IdLength + (isLock ? LockSuffix.Length : 0)) continue;
            string folder = isLock ? path[..^LockSuffix.Length] : path;
            if (!isLock && !System.IO.File.Exists(folder + LockSuffix)) continue;   // no lock: not ours to judge
            FileStream? taken = TryTakeLock(folder + LockSuffix);
            if (taken is null) continue;                                          // a live run holds it
            if (Directory.Exists(folder)) TryDelete(folder);
            ReleaseLock(taken);
            removed++;
        }
        return removed;
    }

    /// <summary>A path inside the temporary folder.</summary>
    public string File(string name) => Path.Combine(TempPath, name);

    /// <summary>
    /// <paramref name="message"/> with the temporary folder named as the output folder it becomes: what the user asked
    /// for and will look for, not a hidden name that is gone once the run ends.
    /// </summary>
    public string Shown(string message) => message.Replace(TempPath, FinalPath, StringComparison.Ordinal);

    /// <summary>Renames the finished folder into place (replacing an existing one only under force).</summary>
    public void Commit()
    {
        RefuseExisting(FinalPath, _force);
        AtomicFile.ReplaceFolder(TempPath, FinalPath, _force);
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed) TryDelete(TempPath);
        ReleaseLock(_lock);
    }

    // ".<name>.tmp-" (the name shortened when the folder's lock file would not fit in 255 bytes), then an 8-digit id.
    private static string TempPrefix(string name) => TempNames.Hidden(name, TempTag, IdLength + LockSuffix.Length);

    private static FileStream? TryTakeLock(string path)
    {
        try { return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    // Deleted while still held, so no other run can take the lock of a folder that is being removed.
    private static void ReleaseLock(FileStream held)
    {
        try { System.IO.File.Delete(held.Name); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        held.Dispose();
    }

    private static void RefuseExisting(string final, bool force)
    {
        if (System.IO.File.Exists(final))
            throw new CentrifugeException($"{final}: a file is in the way of the output folder", ExitCodes.OutputExists);
        if (Directory.Exists(final) && !force)
            throw new CentrifugeException($"{final}: already exists", ExitCodes.OutputExists);
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

namespace Centrifuge.Inference;

/// <summary>
/// The output folder of one input, OUTDIR/&lt;name&gt;/, built as OUTDIR/.&lt;name&gt;.tmp-XXXX/ and renamed into place only
/// when every file is complete. Disposing without <see cref="Commit"/> deletes the temporary folder, so a failed input
/// leaves nothing behind. An existing folder is refused unless force.
/// </summary>
public sealed class SeparationOutputFolder : IDisposable
{
    private bool _committed;
    private readonly bool _force;

    public string FinalPath { get; }
    public string TempPath { get; }

    private SeparationOutputFolder(string finalPath, string tempPath, bool force)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
        _force = force;
    }

    public static SeparationOutputFolder Begin(string outputRoot, string name, bool force)
    {
        if (System.IO.File.Exists(outputRoot))
            throw new CentrifugeException($"{outputRoot}: is a file, expected an output folder", ExitCodes.WriteFailed);
        string root = Path.GetFullPath(outputRoot);
        string final = Path.Combine(root, name);
        RefuseExisting(final, force);
        try
        {
            Directory.CreateDirectory(root);
            string temp = Path.Combine(root, $".{name}.tmp-{Guid.NewGuid().ToString("N")[..8]}");
            Directory.CreateDirectory(temp);
            return new SeparationOutputFolder(final, temp, force);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CentrifugeException($"{root}: cannot create the output folder: {e.Message}", ExitCodes.WriteFailed, e);
        }
    }

    /// <summary>A path inside the temporary folder.</summary>
    public string File(string name) => Path.Combine(TempPath, name);

    /// <summary>Renames the finished folder into place (replacing an existing one only under force).</summary>
    public void Commit()
    {
        RefuseExisting(FinalPath, _force);
        string? old = null;
        try
        {
            if (Directory.Exists(FinalPath))
            {
                old = FinalPath + $".old-{Guid.NewGuid().ToString("N")[..8]}";
                Directory.Move(FinalPath, old);
            }
            Directory.Move(TempPath, FinalPath);
            _committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (old is not null && !Directory.Exists(FinalPath)) Directory.Move(old, FinalPath);
            throw new CentrifugeException($"{FinalPath}: could not move the finished outputs into place: {e.Message}", ExitCodes.WriteFailed, e);
        }
        if (old is not null) TryDelete(old);
    }

    public void Dispose()
    {
        if (!_committed) TryDelete(TempPath);
    }

    private static void RefuseExisting(string final, bool force)
    {
        if (System.IO.File.Exists(final))
            throw new CentrifugeException($"{final}: a file is in the way of the output folder", ExitCodes.OutputExists);
        if (Directory.Exists(final) && !force)
            throw new CentrifugeException($"{final}: already exists (use --force to replace it)", ExitCodes.OutputExists);
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

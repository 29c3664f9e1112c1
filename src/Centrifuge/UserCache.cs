namespace Centrifuge;

/// <summary>
/// The per-user folder for things worth keeping between runs (frame counts, decoded training clips):
/// $CENTRIFUGE_CACHE_DIR, else $XDG_CACHE_HOME/centrifuge, else ~/.cache/centrifuge, else (no home folder) a folder
/// of the user's in the system's temporary folder.
/// </summary>
public static class UserCache
{
    public static string Folder
    {
        get
        {
            string? dir = Environment.GetEnvironmentVariable("CENTRIFUGE_CACHE_DIR");
            return string.IsNullOrEmpty(dir) ? DefaultFolder : dir;
        }
    }

    /// <summary>
    /// Where the kernel self-check keeps its verdicts: a property of the machine, not of a project's data, so it does
    /// not follow CENTRIFUGE_CACHE_DIR (tests and jobs point that at fresh folders); CENTRIFUGE_KERNEL_CACHE moves it.
    /// </summary>
    public static string KernelsFolder
    {
        get
        {
            string? dir = Environment.GetEnvironmentVariable("CENTRIFUGE_KERNEL_CACHE");
            return string.IsNullOrEmpty(dir) ? Path.Combine(DefaultFolder, "kernels") : dir;
        }
    }

    /// <remarks>
    /// $XDG_CACHE_HOME/centrifuge (an absolute path, as the XDG spec asks; a relative one is ignored), else
    /// ~/.cache/centrifuge when the home folder ($HOME, or the user database's when it is unset) exists, else centrifuge-cache-&lt;user&gt; in the system's
    /// temporary folder ($TMPDIR, else /tmp).
    /// </remarks>
    // Without a home (HOME unset or pointing nowhere, as for service accounts and containers run under an arbitrary
    // uid), .NET's user profile is "", which used to put the cache in ./.cache, wherever the command happened to run.
    // The temporary folder rather than an error: every cache here is only a speed-up, rebuilt when it is missing, so a
    // lost cache costs time and a refused command would cost the run. Per user, so two users do not share one folder.
    private static string DefaultFolder
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "centrifuge");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);   // $HOME, else the user database's
            if (home.Length > 0 && Path.IsPathRooted(home) && Directory.Exists(home)) return Path.Combine(home, ".cache", "centrifuge");
            string user = Environment.UserName is { Length: > 0 } name ? name : "user";
            return TemporaryFolders.GetOrAdd(Path.Combine(Path.GetTempPath(), $"centrifuge-cache-{user}"), PrivateFolder);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> TemporaryFolders = new();

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // The temporary folder is everyone's, and the name is easy to guess: a folder of that name made by another user, or a
    // link planted there, would let them read our cached clips or plant their own. So the folder is used only when it is
    // a real folder this user owns (changing its mode to owner-only succeeds only for its owner); otherwise this process
    // gets a fresh private folder of its own (the cache is only a speed-up).
    private static string PrivateFolder(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return path;
        try
        {
            var info = new DirectoryInfo(path);
            if (!info.Exists && info.LinkTarget is null && !File.Exists(path)) Directory.CreateDirectory(path, OwnerOnly);
            info.Refresh();
            if (info.Exists && info.LinkTarget is null)
            {
                File.SetUnixFileMode(path, OwnerOnly);
                return path;
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
        }
        return Directory.CreateTempSubdirectory($"{Path.GetFileName(path)}-").FullName;
    }

    /// <summary>The shared decoded-clip cache of one short side (one cache serves any number of source lists).</summary>
    public static string ClipsFolder(int shortSide) => Path.Combine(Folder, "clips", $"short-side-{shortSide}");
}

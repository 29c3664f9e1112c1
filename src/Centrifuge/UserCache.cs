namespace Centrifuge;

/// <summary>
/// The per-user folder for things worth keeping between runs (frame counts, decoded training clips):
/// $CENTRIFUGE_CACHE_DIR, else $XDG_CACHE_HOME/centrifuge, else ~/.cache/centrifuge.
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

    // $XDG_CACHE_HOME/centrifuge, else ~/.cache/centrifuge.
    private static string DefaultFolder
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "centrifuge");
        }
    }

    /// <summary>The shared decoded-clip cache of one short side (one cache serves any number of source lists).</summary>
    public static string ClipsFolder(int shortSide) => Path.Combine(Folder, "clips", $"short-side-{shortSide}");
}

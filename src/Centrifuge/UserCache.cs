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
            if (!string.IsNullOrEmpty(dir)) return dir;
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "centrifuge");
        }
    }

    /// <summary>The shared decoded-clip cache of one short side (one cache serves any number of source lists).</summary>
    public static string ClipsFolder(int shortSide) => Path.Combine(Folder, "clips", $"short-side-{shortSide}");
}

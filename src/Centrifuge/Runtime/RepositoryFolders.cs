namespace Centrifuge.Runtime;

/// <summary>
/// The folders to search for repository files (the shipped model, the sample videos): upwards from the running
/// program, then from the current folder, each walk stopping at the repository root (the folder with Centrifuge.sln).
/// </summary>
internal static class RepositoryFolders
{
    public const string SolutionFile = "Centrifuge.sln";

    public static IEnumerable<string> Upwards()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                yield return dir.FullName;
                if (IsRoot(dir.FullName)) break;
            }
    }

    public static bool IsRoot(string folder) => File.Exists(Path.Combine(folder, SolutionFile));
}

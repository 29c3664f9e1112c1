namespace Centrifuge.Data;

/// <summary>
/// The folders under a root and their files, each once by real path, so a symbolic link back up the tree (or two
/// links to each other) neither repeats videos nor walks forever. Real folders are walked before linked ones, so a
/// folder reached both ways keeps its own name (its label). A link that loops or points to nothing is listed as skipped.
/// </summary>
internal static class FolderWalk
{
    /// <summary>A folder as found under the root, and its files (full paths, ordinal order).</summary>
    public sealed record Folder(string Path, IReadOnlyList<string> Files);

    /// <summary>Every folder under <paramref name="root"/> (itself included), in ordinal order of their paths.</summary>
    public static IReadOnlyList<Folder> Walk(string root, ICollection<SkippedSource> skipped)
    {
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false };
        var seenFolders = new HashSet<string>(StringComparer.Ordinal);
        var folders = new List<(string Path, List<(string Path, string Real, bool Linked)> Files)>();
        var linkedFolders = new Queue<string>();

        void Visit(string folder, string real)
        {
            if (!seenFolders.Add(real)) return;
            var files = new List<(string, string, bool)>();
            folders.Add((folder, files));
            foreach (FileSystemInfo entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", options).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (!entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    string entryReal = Path.Combine(real, entry.Name);
                    if (entry is DirectoryInfo) Visit(entry.FullName, entryReal);
                    else files.Add((entry.FullName, entryReal, false));
                    continue;
                }
                string? target = UnixPaths.RealPath(entry.FullName);
                if (target is null)
                    skipped.Add(new SkippedSource(entry.FullName, "a symbolic link that loops or points to nothing"));
                else if (Directory.Exists(target)) linkedFolders.Enqueue(entry.FullName);
                else files.Add((entry.FullName, target, true));
            }
        }

        Visit(root, UnixPaths.RealPath(root) ?? Path.GetFullPath(root));
        while (linkedFolders.TryDequeue(out string? linked))
            if (UnixPaths.RealPath(linked) is { } real) Visit(linked, real);

        // A file reached by its own name and through a link is kept under its own name.
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var all = folders.SelectMany(f => f.Files).ToList();
        var kept = all.Where(f => !f.Linked).Concat(all.Where(f => f.Linked)).Where(f => seenFiles.Add(f.Real))
            .Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return folders
            .Select(f => new Folder(f.Path, f.Files.Select(x => x.Path).Where(kept.Contains).Order(StringComparer.Ordinal).ToArray()))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToArray();
    }
}

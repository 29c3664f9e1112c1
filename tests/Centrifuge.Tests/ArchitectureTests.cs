using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests;

/// <summary>
/// The rules of docs/ARCHITECTURE.md, read from its tables and checked against the source (<see cref="SourceTree"/>):
/// a stage uses only the stages its row allows, a sub-folder only the sub-folders its row allows and never in a circle,
/// the hosts (CLI, kernel check, benchmarks) nothing their row forbids; namespaces follow folders, tests mirror the
/// library, and only AtomicFile moves files.
/// </summary>
public sealed partial class ArchitectureTests
{
    private const string Page = "docs/ARCHITECTURE.md", LibraryFolder = "src/Centrifuge/";
    private static SourceTree Tree => SourceTree.Repository;

    /// <summary>The namespaces of the library and those above them (Centrifuge.Inference holds only namespaces).</summary>
    private static readonly HashSet<string> LibraryNamespaces =
        [.. Tree.Library.Files.SelectMany(f => SourceTree.Enclosing(f.Namespace)).Where(n => n.Length > 0)];

    /// <summary>The table under <paramref name="heading"/>, up to the next heading: first cell -> the names in the second.</summary>
    private static Dictionary<string, HashSet<string>> TableUnder(string heading)
    {
        string page = File.ReadAllText(Path.Combine(Repo.Root, Page));
        int start = page.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{Page} has no heading '{heading}'");
        string section = page[(start + heading.Length + 2)..];
        section = section[..(NextHeading().Match(section) is { Success: true } next ? next.Index : section.Length)];
        var rows = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Match row in TableRow().Matches(section).Skip(1))   // the header
        {
            string key = row.Groups[1].Value.Trim(), names = row.Groups[2].Value.Trim();
            if (key.StartsWith("---", StringComparison.Ordinal)) continue;
            Assert.True(rows.TryAdd(key, names == "—" ? [] : [.. names.Split(',', StringSplitOptions.TrimEntries)]),
                $"{Page}, {heading}: '{key}' has two rows");
        }
        return rows;
    }

    // src/Centrifuge/Evaluation/Scoring/X.cs -> ("Evaluation", "Evaluation/Scoring"); a file at the root -> ("(root)", "(root)").
    private static (string Stage, string Folder) FolderOf(SourceFile file)
    {
        string[] parts = file.Path[LibraryFolder.Length..].Split('/')[..^1];
        return parts.Length == 0 ? ("(root)", "(root)") : (parts[0], string.Join('/', parts.Take(2)));
    }

    // Centrifuge.Evaluation.Scoring -> ("Evaluation", "Evaluation/Scoring"); Centrifuge -> ("(root)", "(root)").
    private static (string Stage, string Folder) FolderOf(string ns)
    {
        string[] parts = ns.Split('.')[1..];
        return parts.Length == 0 ? ("(root)", "(root)") : (parts[0], string.Join('/', parts.Take(2)));
    }

    /// <summary>The library's uses of its own namespaces, as (from, to) folders: first-level sub-folders, or the stage.</summary>
    private static IEnumerable<(NamespaceUse Use, (string Stage, string Folder) From, (string Stage, string Folder) To)> LibraryUses() =>
        Tree.Uses(Tree.Library).Where(u => LibraryNamespaces.Contains(u.Namespace))
            .Select(u => (u, FolderOf(u.File), FolderOf(u.Namespace)));

    [Fact]
    public void The_page_names_every_stage_folder_once()
    {
        Dictionary<string, HashSet<string>> rules = TableUnder("## Dependency rules");
        string[] folders = [.. Directory.GetDirectories(Path.Combine(Repo.Root, LibraryFolder))
            .Select(Path.GetFileName).Where(n => n is not ("bin" or "obj"))!];
        Assert.Equal([.. folders.Append("(root)").Order(StringComparer.Ordinal)], rules.Keys.Order(StringComparer.Ordinal));
        foreach ((string stage, HashSet<string> uses) in rules)
            Assert.All(uses, used => Assert.True(rules.ContainsKey(used), $"{stage} may use '{used}', which is not a stage"));
    }

    [Fact]
    public void Every_stage_uses_only_what_the_page_allows()
    {
        Dictionary<string, HashSet<string>> rules = TableUnder("## Dependency rules");
        var violations = LibraryUses()
            .Where(u => u.From.Stage != u.To.Stage && u.To.Stage != "(root)" && !rules[u.From.Stage].Contains(u.To.Stage))
            .Select(u => $"{u.Use.Where} ({u.From.Stage}) uses {u.To.Stage}: {u.Use.Name}")
            .Distinct().ToList();
        Assert.True(violations.Count == 0, $"not allowed by {Page}:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_page_names_every_sub_folder_once()
    {
        Dictionary<string, HashSet<string>> rules = TableUnder("### Sub-folders");
        string library = Path.Combine(Repo.Root, LibraryFolder);
        string[] folders = [.. Directory.GetDirectories(library).SelectMany(Directory.GetDirectories)
            .Select(d => Path.GetRelativePath(library, d).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(d => !d.Split('/').Any(p => p is "bin" or "obj"))];
        Assert.Equal([.. folders.Order(StringComparer.Ordinal)], rules.Keys.Order(StringComparer.Ordinal));
        foreach ((string folder, HashSet<string> uses) in rules)
            Assert.All(uses, used => Assert.True(rules.ContainsKey($"{folder[..folder.IndexOf('/')]}/{used}"),
                $"{folder} may use '{used}', which is not a sub-folder of its stage"));
    }

    [Fact]
    public void Every_sub_folder_uses_only_what_the_page_allows()
    {
        Dictionary<string, HashSet<string>> rules = TableUnder("### Sub-folders");
        var violations = LibraryUses()
            .Where(u => u.From.Stage == u.To.Stage && u.From.Folder != u.To.Folder && u.From.Folder.Contains('/') && u.To.Folder.Contains('/'))
            .Where(u => !rules[u.From.Folder].Contains(u.To.Folder[(u.To.Folder.IndexOf('/') + 1)..]))
            .Select(u => $"{u.Use.Where} ({u.From.Folder}) uses {u.To.Folder}: {u.Use.Name}")
            .Distinct().ToList();
        Assert.True(violations.Count == 0, $"not allowed by {Page}, ### Sub-folders:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Sub_folders_of_a_stage_do_not_use_each_other_in_a_circle()
    {
        // folder -> folder it uses -> the first line that makes the step; a stage's own root is a node too.
        var edges = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var u in LibraryUses().Where(u => u.From.Stage == u.To.Stage && u.From.Folder != u.To.Folder))
        {
            if (!edges.TryGetValue(u.From.Folder, out var targets)) edges[u.From.Folder] = targets = new(StringComparer.Ordinal);
            targets.TryAdd(u.To.Folder, $"{u.Use.Where} ({u.Use.Name})");
        }
        var circles = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string start in edges.Keys)
            if (ShortestCircle(edges, start) is { } circle && seen.Add(string.Join(",", circle.Order(StringComparer.Ordinal))))
            {
                string[] steps = [.. circle.Select((from, i) => (from, to: circle[(i + 1) % circle.Count])).Select(s => $"  {s.from} -> {s.to}: {edges[s.from][s.to]}")];
                circles.Add(string.Join(" -> ", circle.Append(start)) + "\n" + string.Join("\n", steps));
            }
        Assert.True(circles.Count == 0, "sub-folders that use each other in a circle:\n" + string.Join("\n", circles));
    }

    // The folders of the shortest path from start back to start (start first), or null.
    private static List<string>? ShortestCircle(SortedDictionary<string, SortedDictionary<string, string>> edges, string start)
    {
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out string? folder))
            foreach (string next in edges.TryGetValue(folder, out var targets) ? targets.Keys : Enumerable.Empty<string>())
            {
                if (next == start)
                {
                    var path = new List<string> { folder };
                    while (path[^1] != start) path.Add(cameFrom[path[^1]]);
                    path.Reverse();
                    return path;
                }
                if (cameFrom.TryAdd(next, folder)) queue.Enqueue(next);
            }
        return null;
    }

    [Fact]
    public void Hosts_name_only_namespaces_that_exist()
    {
        var wrong = new List<string>();
        foreach (SourceProject host in Tree.Hosts)
        {
            HashSet<string> own = [.. host.Files.SelectMany(f => SourceTree.Enclosing(f.Namespace)).Where(n => n.Length > 0)];
            foreach (NamespaceUse use in Tree.Uses(host).Where(u => u.Name == "Centrifuge" || u.Name.StartsWith("Centrifuge.", StringComparison.Ordinal)))
            {
                bool known = LibraryNamespaces.Contains(use.Namespace) || own.Contains(use.Namespace);
                string rest = use.Name.Length > use.Namespace.Length ? use.Name[(use.Namespace.Length + 1)..].Split('.')[0] : "";
                if (!known || rest.Length > 0 && !Tree.TypesOf(use.Namespace).Contains(rest))
                    wrong.Add($"{use.Where}: {use.Name} is no namespace or type of the library");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Distinct()));
    }

    [Fact]
    public void Hosts_use_nothing_their_row_forbids()
    {
        Dictionary<string, HashSet<string>> rules = TableUnder("### Hosts");
        Assert.Equal(Tree.Hosts.Select(h => h.Folder).Order(StringComparer.Ordinal), rules.Keys.Order(StringComparer.Ordinal));
        var violations = new List<string>();
        foreach (SourceProject host in Tree.Hosts)
        {
            // Evaluation/Downstream -> Centrifuge.Evaluation.Downstream; TorchSharp stays TorchSharp.
            string[] forbidden = [.. rules[host.Folder]
                .Select(n => Directory.Exists(Path.Combine(Repo.Root, LibraryFolder, n)) ? "Centrifuge." + n.Replace('/', '.') : n)];
            bool Forbidden(string name) => forbidden.Any(f => name == f || name.StartsWith(f + ".", StringComparison.Ordinal));
            foreach (NamespaceUse use in Tree.Uses(host).Where(u => Forbidden(u.Namespace) || Forbidden(u.Name)))
                violations.Add($"{use.Where}: {host.Folder} uses {use.Name}");
            // A name of another library, written out in full (TorchSharp.torch.zeros).
            foreach (SourceFile file in host.Files)
                foreach (string name in forbidden.Where(f => !f.StartsWith("Centrifuge.", StringComparison.Ordinal)))
                    foreach (Match m in Regex.Matches(file.Code, $@"(?<![\w.])(?:global::)?{Regex.Escape(name)}\."))
                        violations.Add($"{file.Where(m.Index)}: {host.Folder} uses {name}");
        }
        Assert.True(violations.Count == 0, $"forbidden by {Page}, ### Hosts:\n" + string.Join("\n", violations.Distinct()));
    }

    [Fact]
    public void The_library_never_references_a_host()
    {
        string[] hosts = [.. Tree.Hosts.Select(h => h.RootNamespace)];
        var references = Tree.Uses(Tree.Library)
            .Where(u => hosts.Any(h => u.Name == h || u.Name.StartsWith(h + ".", StringComparison.Ordinal)))
            .Select(u => $"{u.Where}: {u.Name}").ToList();
        string project = Path.Combine(Repo.Root, LibraryFolder, "Centrifuge.csproj");
        foreach (Match m in ProjectReference().Matches(File.ReadAllText(project)))
        {
            string target = Path.GetRelativePath(Repo.Root, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, m.Groups[1].Value)));
            if (Tree.Hosts.Any(h => target.Replace(Path.DirectorySeparatorChar, '/').StartsWith(h.Folder + "/", StringComparison.Ordinal)))
                references.Add($"{LibraryFolder}Centrifuge.csproj: <ProjectReference> to {m.Groups[1].Value}");
        }
        Assert.True(references.Count == 0, "the library references a host:\n" + string.Join("\n", references));
    }

    [Fact]
    public void Namespaces_follow_folders()
    {
        var wrong = new List<string>();
        foreach (SourceProject project in Tree.Hosts.Prepend(Tree.Library).Append(Tree.Tests))
            foreach (SourceFile file in project.Files)
            {
                string folder = Path.GetDirectoryName(file.Path[(project.Folder.Length + 1)..])!.Replace(Path.DirectorySeparatorChar, '/');
                string expected = project.RootNamespace + string.Concat(folder.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(p => "." + p));
                if (file.Namespace != expected && !(file.Namespace == "" && Path.GetFileName(file.Path) == "Program.cs"))   // top-level statements
                    wrong.Add($"{file.Path}: namespace {file.Namespace}, folder says {expected}");
            }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Test_folders_mirror_the_library()
    {
        string library = Path.Combine(Repo.Root, LibraryFolder);
        var strays = Tree.Tests.Files
            .Select(f => Path.GetDirectoryName(f.Path[(Tree.Tests.Folder.Length + 1)..])!.Replace(Path.DirectorySeparatorChar, '/'))
            .Where(d => d.Length > 0).Distinct()
            .Where(d => !Directory.Exists(Path.Combine(library, d)))
            .Where(d => d.Split('/')[0] is not ("Support" or "Build" or "Cli") && !d.EndsWith("/Support", StringComparison.Ordinal))
            .Select(d => $"{Tree.Tests.Folder}/{d}: no {LibraryFolder}{d}").ToList();
        Assert.True(strays.Count == 0, "test folders that mirror no folder of the library (nor Support, Build, Cli):\n" + string.Join("\n", strays));
    }

    [Fact]
    public void Only_the_atomic_writer_moves_files_into_place()
    {
        var movers = Tree.Hosts.Prepend(Tree.Library).SelectMany(p => p.Files)
            .Where(f => MoveCall().IsMatch(f.Code) || MoveInText().IsMatch(File.ReadAllText(Path.Combine(Repo.Root, f.Path))))
            .Select(f => f.Path).ToList();
        Assert.Equal([$"{LibraryFolder}AtomicFile.cs"], movers);
    }

    /// <summary>
    /// What the source cannot tell apart (FileInfo.Replace from string.Replace, a call through an alias), the IL can:
    /// every call of an API that moves or renames a file or folder, in the library, the CLI and the kernel check.
    /// </summary>
    [Fact]
    public void Only_the_atomic_writer_calls_an_api_that_moves_files()
    {
        Type[] movingTypes = [typeof(File), typeof(Directory), typeof(FileInfo), typeof(DirectoryInfo)];
        bool Moves(MethodBase m) =>
            movingTypes.Contains(m.DeclaringType) && m.Name is "Move" or "MoveTo" or "Replace" ||
            m.DeclaringType?.FullName == "Microsoft.VisualBasic.FileIO.FileSystem" && m.Name is "MoveFile" or "MoveDirectory" or "RenameFile" or "RenameDirectory" ||
            m.Attributes.HasFlag(MethodAttributes.PinvokeImpl) && NativeMove().IsMatch(m.GetCustomAttribute<DllImportAttribute>()?.EntryPoint ?? m.Name);
        Assembly[] assemblies = [typeof(AtomicFile).Assembly, typeof(Centrifuge.Cli.CliApp).Assembly, Assembly.Load("centrifuge-kernel-check")];
        var callers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (MethodBase method in assemblies.SelectMany(IlCalls.MethodsOf))
            foreach ((_, MethodBase callee) in IlCalls.Of(method).Where(c => Moves(c.Callee)))
            {
                Type outer = method.DeclaringType!;
                while (outer.DeclaringType is { } declaring) outer = declaring;   // lambdas and local functions: the type they are written in
                callers.Add($"{outer.FullName} ({IlCalls.Name(callee)})");
            }
        Assert.Contains(callers, c => c.StartsWith("Centrifuge.AtomicFile ", StringComparison.Ordinal));   // the IL is read
        var others = callers.Where(c => !c.StartsWith("Centrifuge.AtomicFile ", StringComparison.Ordinal)).ToList();
        Assert.True(others.Count == 0, "only AtomicFile moves files; these call an API that does:\n" + string.Join("\n", others));
    }

    [GeneratedRegex(@"^\|([^|\n]+)\|([^|\n]+)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^#", RegexOptions.Multiline)]
    private static partial Regex NextHeading();

    [GeneratedRegex(@"<ProjectReference\s+Include=""([^""]+)""")]
    private static partial Regex ProjectReference();

    // File.Move/Replace, Directory.Move, FileInfo/DirectoryInfo.MoveTo, Visual Basic's FileSystem.Move*/Rename*, a
    // P/Invoke of rename(2) or Windows' MoveFile/ReplaceFile.
    [GeneratedRegex(@"\b(?:File|Directory)\s*\.\s*(?:Move|Replace)\s*\(|\.\s*MoveTo\s*\(|\bFileSystem\s*\.\s*(?:Move|Rename)\w*\s*\(|\b(?:rename|renameat2?|MoveFile\w*|ReplaceFile\w*)\s*\(")]
    private static partial Regex MoveCall();

    // What comments and strings hide from MoveCall: an entry point named in a string, and the mv command.
    [GeneratedRegex(@"EntryPoint\s*=\s*""(?:rename\w*|MoveFile\w*|ReplaceFile\w*)""|""(?:/usr)?(?:/bin/)?mv""")]
    private static partial Regex MoveInText();

    [GeneratedRegex(@"^(?:rename|renameat2?|MoveFile\w*|ReplaceFile\w*)$")]
    private static partial Regex NativeMove();
}

using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Centrifuge.Tests.Support;

/// <summary>
/// A C# file of the repository: its path from the repository root, its namespace ("" for top-level statements), its
/// code as the compiler sees names (<see cref="CSharpCode"/>) and the types it declares.
/// </summary>
public sealed record SourceFile(string Path, string Namespace, string Code, IReadOnlyList<string> Types)
{
    /// <summary>"path:line" of a position in <see cref="Code"/>.</summary>
    public string Where(int index) => $"{Path}:{Code.AsSpan(0, index).Count('\n') + 1}";
}

/// <summary>A project: its folder from the repository root, its root namespace, its C# files, and the usings that reach all of them.</summary>
public sealed record SourceProject(string Folder, string RootNamespace, IReadOnlyList<SourceFile> Files,
    IReadOnlyList<(string Name, string Where)> GlobalUsings);

/// <summary>
/// One use of a namespace by a file: <see cref="Namespace"/> is the longest known namespace that <see cref="Name"/> (as
/// written, made absolute) starts with, or the name itself when it is not ours (TorchSharp.torch); <see cref="Where"/>
/// is the line that makes it, in the file or, for a global using, in the project or source file that declares it.
/// </summary>
public sealed record NamespaceUse(SourceFile File, string Namespace, string Name, string Where);

/// <summary>
/// The projects of the repository as source: the library (src/Centrifuge), the hosts that run it (the other projects
/// of src/ and bench/) and the tests, with every namespace they declare and the types in it, so that a name can be
/// resolved as the compiler does: `using` directives (global ones, and &lt;Using&gt; items of the project and of the
/// shared .props/.targets, included), qualified names (Centrifuge.Inference.Batch.ShardSpec, and relative to an
/// enclosing namespace: Inference.Batch.ShardSpec, or Batch.ShardSpec inside Centrifuge.Inference), and the types of an
/// enclosing namespace named alone.
/// </summary>
public sealed partial class SourceTree
{
    public static SourceTree Repository => Lazy.Value;
    private static readonly Lazy<SourceTree> Lazy = new(() => new SourceTree(Repo.Root));

    public string Root { get; }
    public SourceProject Library { get; }
    public IReadOnlyList<SourceProject> Hosts { get; }
    public SourceProject Tests { get; }

    // Every namespace of the library and the hosts, and each namespace above one: the names of the types declared in it.
    private readonly Dictionary<string, HashSet<string>> _types = new(StringComparer.Ordinal);

    public SourceTree(string root)
    {
        Root = root;
        string[] projects = [.. new[] { "src", "bench", "tests" }
            .Where(d => Directory.Exists(Path.Combine(root, d)))
            .SelectMany(d => Directory.GetFiles(Path.Combine(root, d), "*.csproj", SearchOption.AllDirectories))
            .Where(p => !IsBuildOutput(p))
            .Select(p => Relative(Path.GetDirectoryName(p)!))
            .Order(StringComparer.Ordinal)];
        Library = Read("src/Centrifuge");
        Hosts = [.. projects.Where(p => p != Library.Folder && !p.StartsWith("tests/", StringComparison.Ordinal)).Select(Read)];
        Tests = Read("tests/Centrifuge.Tests");
        foreach (SourceFile file in Hosts.Prepend(Library).SelectMany(p => p.Files))
        {
            for (string ns = file.Namespace; ns.Length > 0; ns = Parent(ns))
                _types.TryAdd(ns, []);
            if (file.Namespace.Length > 0) _types[file.Namespace].UnionWith(file.Types);
        }
    }

    public bool IsNamespace(string name) => _types.ContainsKey(name);

    /// <summary>The types declared in namespace <paramref name="name"/> (empty for a namespace that holds only namespaces).</summary>
    public IReadOnlySet<string> TypesOf(string name) => _types.TryGetValue(name, out HashSet<string>? types) ? types : [];

    /// <summary>Every namespace each file of <paramref name="project"/> uses, its own left out.</summary>
    public IReadOnlyList<NamespaceUse> Uses(SourceProject project) =>
        _uses.GetOrAdd(project.Folder, _ => [.. project.Files.SelectMany(f => Uses(project, f))]);

    private readonly ConcurrentDictionary<string, List<NamespaceUse>> _uses = new(StringComparer.Ordinal);

    private IEnumerable<NamespaceUse> Uses(SourceProject project, SourceFile file)
    {
        var uses = new List<NamespaceUse>();
        void Add(string name, string where)
        {
            string ns = LongestNamespace(name);
            if (ns != file.Namespace) uses.Add(new NamespaceUse(file, ns, name, where));
        }

        foreach ((string name, string where) in project.GlobalUsings) Add(name, where);
        foreach (Match m in UsingDirective().Matches(file.Code))
            if (!m.Groups["global"].Success) Add(m.Groups["name"].Value, file.Where(m.Index));

        // Qualified names: the first part is looked up in the enclosing namespaces, innermost first, as the compiler does;
        // the name counts when, after the namespaces, it goes on with a type declared there (not config.Data.Sources).
        string code = UsingDirective().Replace(NamespaceDeclaration().Replace(file.Code, Spaces), Spaces);
        foreach (Match m in QualifiedName().Matches(code))
        {
            string[] parts = m.Groups[1].Value.Split('.');
            foreach (string outer in Enclosing(file.Namespace))
            {
                string first = outer.Length == 0 ? parts[0] : $"{outer}.{parts[0]}";
                if (!IsNamespace(first)) continue;
                int next = 1;
                string ns = first;
                while (next < parts.Length && IsNamespace($"{ns}.{parts[next]}")) ns = $"{ns}.{parts[next++]}";
                if (next < parts.Length && (TypesOf(ns).Contains(parts[next]) || outer.Length == 0 && parts[0] == "Centrifuge"))
                    Add($"{ns}.{parts[next]}", file.Where(m.Index));
                break;
            }
        }

        // A type of an enclosing namespace below the root, named alone (Centrifuge.Evaluation's, inside Centrifuge.Evaluation.Scoring).
        foreach (string outer in Enclosing(file.Namespace).Skip(1).Where(n => n.Contains('.') && TypesOf(n).Count > 0))
        {
            var alone = new Regex($@"(?<![\w.])(?:{string.Join('|', TypesOf(outer).Select(Regex.Escape))})\b");
            if (alone.Match(code) is { Success: true } m) uses.Add(new NamespaceUse(file, outer, outer, file.Where(m.Index)));
        }
        return uses;
    }

    /// <summary>The longest namespace of ours that <paramref name="name"/> is or starts with; else the name itself.</summary>
    public string LongestNamespace(string name)
    {
        for (string n = name; n.Length > 0; n = Parent(n))
            if (IsNamespace(n)) return n;
        return name;
    }

    /// <summary>The namespace and those it is nested in, innermost first, then the global namespace "".</summary>
    public static IEnumerable<string> Enclosing(string ns)
    {
        for (string n = ns; n.Length > 0; n = Parent(n)) yield return n;
        yield return "";
    }

    public static string Parent(string ns) => ns.Contains('.') ? ns[..ns.LastIndexOf('.')] : "";

    private SourceProject Read(string folder)
    {
        string full = Path.Combine(Root, folder);
        SourceFile[] files = [.. Directory.EnumerateFiles(full, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(f))
            .Order(StringComparer.Ordinal)
            .Select(f =>
            {
                string code = CSharpCode.Blank(File.ReadAllText(f));
                return new SourceFile(Relative(f), NamespaceDeclaration().Match(code).Groups[1].Value, code,
                    [.. TypeDeclaration().Matches(code).Select(m => m.Groups[1].Value).Distinct()]);
            })];
        // <Using> items of the project file and of the shared MSBuild files (Directory.Build.*, build/*), and global usings.
        string[] msbuild = [.. Directory.GetFiles(full, "*.csproj"), .. SharedMsBuildFiles()];
        var global = new List<(string, string)>();
        foreach (string path in msbuild)
        {
            string[] lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
                foreach (Match m in UsingItem().Matches(lines[i])) global.Add((m.Groups[1].Value, $"{Relative(path)}:{i + 1}"));
        }
        foreach (SourceFile file in files)
            foreach (Match m in UsingDirective().Matches(file.Code))
                if (m.Groups["global"].Success) global.Add((m.Groups["name"].Value, file.Where(m.Index)));
        string project = File.ReadAllText(Directory.GetFiles(full, "*.csproj").Single());
        string rootNamespace = RootNamespaceItem().Match(project) is { Success: true } r ? r.Groups[1].Value : Path.GetFileName(folder);
        return new SourceProject(folder, rootNamespace, files, global);
    }

    private IEnumerable<string> SharedMsBuildFiles() =>
        new[] { "*.props", "*.targets" }.SelectMany(pattern =>
            Directory.EnumerateFiles(Root, pattern).Concat(
                new[] { "build", "src", "bench" }.Where(d => Directory.Exists(Path.Combine(Root, d)))
                    .SelectMany(d => Directory.EnumerateFiles(Path.Combine(Root, d), pattern, SearchOption.AllDirectories))))
            .Where(f => !IsBuildOutput(f));

    private string Relative(string path) => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj");

    private static string Spaces(Match m) => Regex.Replace(m.Value, @"[^\n]", " ");

    [GeneratedRegex(@"^[ \t]*(?<global>global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<name>[A-Za-z_][\w.]*)\s*(?:<[^;]*>)?\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^[ \t]*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"(?<![\w.])(?:global::)?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"\b(?:class|struct|interface|enum|record(?:\s+(?:struct|class))?|delegate\s+[\w.<>\[\]?, ]+?)\s+([A-Za-z_]\w*)\s*[<({:;\r\n]")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"<RootNamespace>([\w.]+)</RootNamespace>")]
    private static partial Regex RootNamespaceItem();

    [GeneratedRegex(@"<Using\s+Include=""([^""]+)""")]
    private static partial Regex UsingItem();
}

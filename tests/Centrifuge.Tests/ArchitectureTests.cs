using System.Text.RegularExpressions;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests;

/// <summary>
/// The dependency rules of docs/ARCHITECTURE.md, read from its table and checked against every source file of the
/// library: a stage uses only the stages its row allows, and namespaces follow folders.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Library = Path.Combine(Repo.Root, "src", "Centrifuge");

    private sealed record SourceFile(string Relative, string Stage, string Namespace, string Code);

    /// <summary>The table under "## Dependency rules": stage -> the stages it may use.</summary>
    private static Dictionary<string, HashSet<string>> AllowedByThePage()
    {
        string page = File.ReadAllText(Path.Combine(Repo.Root, "docs", "ARCHITECTURE.md"));
        string section = page[page.IndexOf("## Dependency rules", StringComparison.Ordinal)..];
        var rules = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Match row in TableRow().Matches(section))
        {
            string stage = row.Groups[1].Value.Trim(), uses = row.Groups[2].Value.Trim();
            if (stage is "stage" || stage.StartsWith("---", StringComparison.Ordinal)) continue;
            rules[stage] = uses == "—" ? [] : [.. uses.Split(',', StringSplitOptions.TrimEntries)];
        }
        return rules;
    }

    private static List<SourceFile> Sources() =>
    [
        .. Directory.EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                        !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f =>
            {
                string relative = Path.GetRelativePath(Library, f).Replace(Path.DirectorySeparatorChar, '/');
                string text = File.ReadAllText(f);
                string code = LineComment().Replace(StringLiteral().Replace(text, "\"\""), "");   // strings first: "file://..."
                return new SourceFile(relative, relative.Contains('/') ? relative[..relative.IndexOf('/')] : "(root)",
                    NamespaceLine().Match(text).Groups[1].Value, code);
            })
            .OrderBy(f => f.Relative, StringComparer.Ordinal),
    ];

    [Fact]
    public void The_page_names_every_stage_folder_once()
    {
        Dictionary<string, HashSet<string>> rules = AllowedByThePage();
        string[] folders = [.. Directory.GetDirectories(Library).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj"))!];
        Assert.Equal([.. folders.Append("(root)").Order(StringComparer.Ordinal)], rules.Keys.Order(StringComparer.Ordinal));
        foreach ((string stage, HashSet<string> uses) in rules)
            Assert.All(uses, used => Assert.True(rules.ContainsKey(used), $"{stage} may use '{used}', which is not a stage"));
    }

    [Fact]
    public void Every_stage_uses_only_what_the_page_allows()
    {
        Dictionary<string, HashSet<string>> rules = AllowedByThePage();
        List<SourceFile> files = Sources();
        // Type names per stage, so that a partly qualified name (Models.InferenceModel) counts but a property (config.Data.Sources) does not.
        var types = files.GroupBy(f => f.Stage).ToDictionary(g => g.Key, g => g.SelectMany(f => TypeDeclaration().Matches(f.Code).Select(m => m.Groups[1].Value)).ToHashSet());
        string stages = string.Join("|", rules.Keys.Where(k => k != "(root)").Select(Regex.Escape));
        var violations = new List<string>();
        foreach (SourceFile file in files)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match m in Regex.Matches(file.Code, $@"\bCentrifuge\.({stages})\b")) used.Add(m.Groups[1].Value);
            foreach (Match m in Regex.Matches(file.Code, $@"(?<![.\w])({stages})\.([A-Z]\w*)"))
                if (types.TryGetValue(m.Groups[1].Value, out HashSet<string>? names) && names.Contains(m.Groups[2].Value)) used.Add(m.Groups[1].Value);
            used.Remove(file.Stage);
            foreach (string stage in used.Where(u => !rules[file.Stage].Contains(u)))
                violations.Add($"{file.Relative} ({file.Stage}) uses {stage}");
        }
        Assert.True(violations.Count == 0, "not allowed by docs/ARCHITECTURE.md:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Namespaces_follow_folders()
    {
        var wrong = Sources()
            .Select(f => (f.Relative, f.Namespace, Expected: "Centrifuge" + string.Concat(Path.GetDirectoryName(f.Relative)!.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(p => "." + p))))
            .Where(f => f.Namespace != f.Expected)
            .Select(f => $"{f.Relative}: namespace {f.Namespace}, folder says {f.Expected}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Only_the_atomic_writer_moves_files_into_place()
    {
        var movers = Sources().Where(f => MoveCall().IsMatch(f.Code)).Select(f => f.Relative).ToList();
        Assert.Equal(["AtomicFile.cs"], movers);
    }

    [GeneratedRegex(@"^\|([^|\n]+)\|([^|\n]+)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"@?""(?:[^""\\\n]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"\b(?:class|record struct|record|struct|interface|enum)\s+(\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\b(?:File|Directory)\.Move\(")]
    private static partial Regex MoveCall();
}

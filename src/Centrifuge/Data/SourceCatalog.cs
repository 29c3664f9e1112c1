using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Centrifuge.Data;

/// <summary>The sources found, and the ones that were named but could not be used.</summary>
public sealed record SourceList(IReadOnlyList<VideoSource> Sources, IReadOnlyList<SkippedSource> Skipped);

/// <summary>
/// Finds training sources: (a) a folder, recursively, label = parent folder name; (b) a Kinetics-style CSV
/// (label,youtube_id,time_start,time_end,split) plus a root folder; (c) a text file of paths, one a line;
/// (d) a sample manifest (data/samples/manifest.json: file, group, split). Missing files are listed, never fatal.
/// </summary>
public static partial class SourceCatalog
{
    public static readonly IReadOnlySet<string> VideoExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".mp4", ".avi", ".mkv", ".mov", ".webm", ".ogv", ".ogg", ".mpeg", ".mpg", ".m4v", ".flv", ".wmv", ".3gp", ".ts" };
    public static readonly IReadOnlySet<string> ImageExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        { ".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp" };

    /// <summary>Fewest numbered images that make a folder a frame sequence in <see cref="ImageFolderMode.Auto"/>.</summary>
    public const int MinSequenceFrames = 8;

    /// <summary>Discovers every source named in <see cref="DataConfig.Sources"/>.</summary>
    public static SourceList Discover(DataConfig config)
    {
        if (config.Sources.Count == 0)
            throw new CentrifugeException("data config: no sources given (a folder, Kinetics CSV, list or manifest)", ExitCodes.Usage);
        return Discover(config.Sources, config.KineticsRoot, config.ImageFolders);
    }

    /// <summary>Every source of several specs, in order, each once (the first spec that names a source keeps it).</summary>
    public static SourceList Discover(IEnumerable<string> specs, string? kineticsRoot = null, ImageFolderMode images = ImageFolderMode.Auto)
    {
        var sources = new List<VideoSource>();
        var skipped = new List<SkippedSource>();
        foreach (string spec in specs)
        {
            SourceList found = Discover(spec, kineticsRoot, images);
            sources.AddRange(found.Sources);
            skipped.AddRange(found.Skipped);
        }
        return new SourceList(sources.DistinctBy(s => s.Id).ToList(), skipped);
    }

    /// <summary>One source spec: a folder, a .csv (Kinetics), a .json manifest, or any other file as a list of paths.</summary>
    public static SourceList Discover(string spec, string? kineticsRoot = null, ImageFolderMode images = ImageFolderMode.Auto)
    {
        string full = Path.GetFullPath(spec);
        if (Directory.Exists(full)) return FromFolder(full, images);
        if (!File.Exists(full)) throw new CentrifugeException($"{spec}: no such file or folder", ExitCodes.MissingInput);
        string ext = Path.GetExtension(full).ToLowerInvariant();
        if (ext == ".csv") return FromKineticsCsv(full, kineticsRoot ?? Path.GetDirectoryName(full)!);
        if (ext == ".json") return FromManifest(full);
        if (VideoExtensions.Contains(ext))
            return new SourceList([new VideoSource(full, ParentName(full), GroupOf(full))], []);
        if (ImageExtensions.Contains(ext))
            return new SourceList([new VideoSource(full, ParentName(full), GroupOf(full), SourceKind.Photo)], []);
        return FromList(full);
    }

    /// <summary>
    /// Every video under <paramref name="root"/>; images become photos or frame folders (see <see cref="ImageFolderMode"/>).
    /// A sub-folder named train/ or val/ on the way fixes the split of what is inside it. Folders and files are taken
    /// once each by real path (<see cref="FolderWalk"/>).
    /// </summary>
    public static SourceList FromFolder(string root, ImageFolderMode images = ImageFolderMode.Auto)
    {
        var sources = new List<VideoSource>();
        var skipped = new List<SkippedSource>();
        foreach ((string dir, IReadOnlyList<string> files) in FolderWalk.Walk(root, skipped))
        {
            string? split = SplitOfFolder(root, dir);
            foreach (string f in files.Where(f => VideoExtensions.Contains(Path.GetExtension(f))))
                sources.Add(new VideoSource(f, ParentName(f), GroupOf(f)) { Split = split });
            string[] pictures = files.Where(f => ImageExtensions.Contains(Path.GetExtension(f))).ToArray();
            if (pictures.Length == 0) continue;
            string[]? frames = images == ImageFolderMode.Photos ? null : FrameSequence(pictures, images == ImageFolderMode.Frames);
            if (frames is not null)
                sources.Add(new VideoSource(dir, ParentName(dir), dir, SourceKind.FrameFolder) { FrameFiles = frames, Split = split });
            else
                sources.AddRange(pictures.Select(p => new VideoSource(p, ParentName(p), p, SourceKind.Photo) { Split = split }));
        }
        return new SourceList(sources, skipped);
    }

    /// <summary>
    /// Rows `label,youtube_id,time_start,time_end,split` (a header row is skipped). Each row resolves to
    /// `root/split/label/id_start_end.mp4`, then `root/split/label/id.mp4`, `root/label/...`, `root/id.mp4`;
    /// the plain `id.mp4` forms are cut to [time_start, time_end]. Rows with no file are listed as skipped.
    /// </summary>
    public static SourceList FromKineticsCsv(string csv, string root)
    {
        var sources = new List<VideoSource>();
        var skipped = new List<SkippedSource>();
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(csv))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0) continue;
            string[] f = SplitCsv(line);
            if (f.Length < 5 || !double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double start)
                || !double.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double end))
            {
                if (lineNumber == 1) continue; // header
                skipped.Add(new SkippedSource($"{csv}:{lineNumber}", "not a label,youtube_id,time_start,time_end,split row"));
                continue;
            }
            string label = f[0], id = f[1], split = NormalizeSplit(f[4]);
            string windowed = FormattableString.Invariant($"{id}_{(int)Math.Round(start):000000}_{(int)Math.Round(end):000000}.mp4");
            // The split folder as the CSV spells it ("validate") or normalised ("val"), then no split folder.
            string[] dirs = new[] { Path.Combine(root, f[4], label), Path.Combine(root, split, label), Path.Combine(root, label), root }.Distinct().ToArray();
            string[] trimmed = dirs.Select(d => Path.Combine(d, windowed)).ToArray();
            string[] whole = dirs.Select(d => Path.Combine(d, id + ".mp4")).ToArray();
            string? path = trimmed.FirstOrDefault(File.Exists);
            if (path is not null)
            {
                sources.Add(new VideoSource(path, label, id) { Split = split });
                continue;
            }
            path = whole.FirstOrDefault(File.Exists);
            if (path is null)
            {
                skipped.Add(new SkippedSource(trimmed[0], "no such file (also tried " + Path.GetFileName(whole[0]) + ")"));
                continue;
            }
            sources.Add(new VideoSource(path, label, id) { Split = split, StartSeconds = start, EndSeconds = end });
        }
        return new SourceList(sources, skipped);
    }

    /// <summary>One path a line (relative to the list's folder); blank lines and lines starting with # are ignored.</summary>
    public static SourceList FromList(string listFile)
    {
        var sources = new List<VideoSource>();
        var skipped = new List<SkippedSource>();
        string baseDir = Path.GetDirectoryName(listFile)!;
        foreach (string raw in File.ReadLines(listFile))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string path = Path.GetFullPath(Path.Combine(baseDir, line));
            if (File.Exists(path))
                sources.Add(new VideoSource(path, ParentName(path), GroupOf(path),
                    ImageExtensions.Contains(Path.GetExtension(path)) ? SourceKind.Photo : SourceKind.Video));
            else if (Directory.Exists(path))
            {
                SourceList inner = FromFolder(path);
                sources.AddRange(inner.Sources);
                skipped.AddRange(inner.Skipped);
            }
            else skipped.Add(new SkippedSource(path, "no such file"));
        }
        return new SourceList(sources, skipped);
    }

    /// <summary>A JSON array of {file, group, split} (the sample manifest); files are relative to the manifest's folder.</summary>
    public static SourceList FromManifest(string manifest)
    {
        var sources = new List<VideoSource>();
        var skipped = new List<SkippedSource>();
        string baseDir = Path.GetDirectoryName(manifest)!;
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(manifest));
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new CentrifugeException($"{manifest}: expected a JSON array of {{file, group, split}}", ExitCodes.InvalidInput);
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
        {
            string file = e.TryGetProperty("file", out JsonElement fe) ? fe.GetString() ?? "" : "";
            string path = Path.GetFullPath(Path.Combine(baseDir, file));
            if (!File.Exists(path)) { skipped.Add(new SkippedSource(path, "no such file")); continue; }
            string group = e.TryGetProperty("group", out JsonElement ge) ? ge.GetString() ?? GroupOf(path) : GroupOf(path);
            string? split = e.TryGetProperty("split", out JsonElement se) ? NormalizeSplit(se.GetString() ?? "") : null;
            string label = e.TryGetProperty("label", out JsonElement le) ? le.GetString() ?? group : group;
            SourceKind kind = ImageExtensions.Contains(Path.GetExtension(path)) ? SourceKind.Photo : SourceKind.Video;
            sources.Add(new VideoSource(path, label, group, kind) { Split = split });
        }
        return new SourceList(sources, skipped);
    }

    /// <summary>The frames of a folder of numbered images, in number order, or null when they do not form one sequence.</summary>
    internal static string[]? FrameSequence(string[] pictures, bool force)
    {
        var numbered = pictures
            .Select(p => (Path: p, Match: NumberedName().Match(Path.GetFileName(p))))
            .Where(x => x.Match.Success)
            .Select(x => (x.Path, Prefix: x.Match.Groups[1].Value + "|" + x.Match.Groups[3].Value.ToLowerInvariant(), Number: long.Parse(x.Match.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        if (force)
            return numbered.Count == pictures.Length
                ? numbered.OrderBy(x => x.Number).Select(x => x.Path).ToArray()
                : pictures.Order(StringComparer.Ordinal).ToArray();
        // Auto: all images share one prefix and extension and are numbered consecutively.
        if (numbered.Count != pictures.Length || numbered.Count < MinSequenceFrames) return null;
        if (numbered.Select(x => x.Prefix).Distinct().Count() != 1) return null;
        var ordered = numbered.OrderBy(x => x.Number).ToList();
        for (int i = 1; i < ordered.Count; i++)
            if (ordered[i].Number != ordered[i - 1].Number + 1) return null;
        return ordered.Select(x => x.Path).ToArray();
    }

    [GeneratedRegex(@"^(.*?)(\d+)(\.[A-Za-z]+)$")]
    private static partial Regex NumberedName();

    // A folder under root named train/ or val/ (validation/, valid/, test/) fixes the split of everything inside it.
    private static string? SplitOfFolder(string root, string dir)
    {
        string relative = Path.GetRelativePath(root, dir);
        if (relative == ".") return null;
        foreach (string part in relative.Split(Path.DirectorySeparatorChar))
        {
            string s = NormalizeSplit(part);
            if (s is "train" or "val") return s;
        }
        return null;
    }

    private static string ParentName(string path) => Path.GetFileName(Path.GetDirectoryName(path)) ?? "";

    // Files that differ only by extension (one clip in several containers) share a group.
    private static string GroupOf(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path));

    private static string NormalizeSplit(string split)
    {
        string s = split.Trim().ToLowerInvariant();
        return s is "validate" or "validation" or "valid" or "test" ? "val" : s is "training" ? "train" : s;
    }

    private static string[] SplitCsv(string line) => line.Split(',').Select(x => x.Trim().Trim('"')).ToArray();
}

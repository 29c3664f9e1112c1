using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Centrifuge;

/// <summary>
/// Config files in layers: `--config base.json --config patch.json` reads each file and merges them in order, a later
/// file overriding an earlier one. Objects merge key by key, recursively; anything else (a number, a string, an array,
/// null) replaces what was there. So a patch names only what it changes: <c>{"model": {"layers": 4}}</c>, and it may
/// be layered on a preset.
/// A file may also name what it patches: <c>"base": "other.json"</c> (relative to the file; that file's own layers
/// come first) or <c>"preset": "name"</c> (the layers start from that preset; only the first file's layers may name one).
/// </summary>
public static class JsonLayers
{
    /// <summary>The key naming the file a config file patches, relative to the file's folder.</summary>
    public const string BaseKey = "base";
    /// <summary>The key naming the preset a config file (or the root of its bases) patches.</summary>
    public const string PresetKey = "preset";

    /// <summary>
    /// The files merged in order into one JSON object (each file's bases first); <paramref name="what"/> names the kind
    /// of file in errors. A file naming a preset is an error here: presets are known only to <see cref="Load{T}"/>.
    /// </summary>
    public static JsonObject Read(IReadOnlyList<string> paths, string what) => Read(paths, what, typeof(JsonObject), new JsonObject(), null, null);

    /// <summary>
    /// The files merged in order (each file's bases first) onto the preset <paramref name="preset"/> when given, or
    /// onto the preset the first file names, as <typeparamref name="T"/> (JSON with <see cref="JsonDefaults"/>);
    /// <paramref name="presets"/> finds a preset by name. A key that <typeparamref name="T"/> does not have, or a key
    /// given twice in one object, is an error naming the key and the file: a misspelt key must not leave its default
    /// in place unnoticed. So is a cycle of bases, and a file on another preset than <paramref name="preset"/>.
    /// </summary>
    public static T Load<T>(IReadOnlyList<string> paths, string what, string? preset = null, Func<string, T>? presets = null) where T : class
    {
        JsonObject Preset(string name) => presets is null
            ? throw new CentrifugeException($"{what}: no presets are known here (asked for '{name}')", ExitCodes.Usage)
            : (JsonObject)JsonSerializer.SerializeToNode(presets(name), JsonDefaults.Options)!;
        JsonObject merged = Read(paths, what, typeof(T), preset is null ? new JsonObject() : Preset(preset), preset, Preset);
        try
        {
            return merged.Deserialize<T>(JsonDefaults.Options) ?? throw new JsonException("empty JSON document");
        }
        catch (JsonException e)
        {
            throw new CentrifugeException($"{string.Join(" + ", paths)}: not a valid {what} ({e.Message.Split('\n')[0]})", ExitCodes.InvalidInput, e);
        }
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/> (changed in place) and returns it.</summary>
    public static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        foreach ((string key, JsonNode? value) in patch)
        {
            if (value is JsonObject inner && target[key] is JsonObject existing) Merge(existing, inner);
            else target[key] = value?.DeepClone();
        }
        return target;
    }

    // start: the preset given (or an empty object); a preset named by the first file's layers replaces an empty start.
    private static JsonObject Read(IReadOnlyList<string> paths, string what, Type type, JsonObject start, string? preset,
        Func<string, JsonObject>? presets)
    {
        if (paths.Count == 0) throw new ArgumentException("no files to read", nameof(paths));
        JsonObject merged = start;
        for (int i = 0; i < paths.Count; i++)
        {
            (string? named, string? namedBy, List<(string Path, JsonObject Layer)> layers) = Chain(paths[i], what);
            if (named is not null)
            {
                if (i > 0)
                    throw new CentrifugeException($"{namedBy}: names preset '{named}', but it is layered on {paths[0]}: only the first config (or its bases) may name a preset",
                        ExitCodes.InvalidInput);
                if (preset is not null && preset != named)
                    throw new CentrifugeException($"{namedBy}: is a patch on preset '{named}', not on preset '{preset}' as asked: name one preset",
                        ExitCodes.Usage);
                if (presets is null)
                    throw new CentrifugeException($"{namedBy}: names preset '{named}', but no presets are known to a {what}", ExitCodes.InvalidInput);
                if (preset is null)
                {
                    try
                    {
                        merged = presets(named);
                    }
                    catch (CentrifugeException e)
                    {
                        throw new CentrifugeException($"{namedBy}: {e.Message}", ExitCodes.InvalidInput, e);
                    }
                }
            }
            foreach ((string path, JsonObject layer) in layers)
            {
                if (type != typeof(JsonObject)) CheckKeys(layer, JsonDefaults.Options.GetTypeInfo(type), "", path, what);
                Merge(merged, layer);
            }
        }
        return merged;
    }

    // The layers of one file, its furthest base first, each without its base/preset key; and the preset at their root,
    // with the file that names it.
    private static (string? Preset, string? NamedBy, List<(string Path, JsonObject Layer)> Layers) Chain(string path, string what)
    {
        var layers = new List<(string Path, JsonObject Layer)>();
        var seen = new List<string>();   // full paths, in the order read
        string? preset = null, namedBy = null;
        for (string? current = path; current is not null;)
        {
            string full = Path.GetFullPath(current);
            if (seen.Contains(full))
                throw new CentrifugeException($"{path}: its bases form a cycle ({string.Join(" -> ", seen.Append(full).Select(Path.GetFileName))})",
                    ExitCodes.InvalidInput);
            seen.Add(full);
            JsonObject layer = ReadObject(current, what);
            string? baseName = TakeString(layer, BaseKey, current), presetName = TakeString(layer, PresetKey, current);
            if (baseName is not null && presetName is not null)
                throw new CentrifugeException($"{current}: names both a base and a preset: a config patches one of them", ExitCodes.InvalidInput);
            layers.Insert(0, (current, layer));
            if (presetName is not null) (preset, namedBy) = (presetName, current);
            string? next = baseName is null ? null : Path.Combine(Path.GetDirectoryName(current) ?? "", baseName);
            if (next is not null && !File.Exists(next) && !Directory.Exists(next))
                throw new CentrifugeException($"{current}: its base {next} is not found", ExitCodes.MissingInput);
            current = next;
        }
        return (preset, namedBy, layers);
    }

    private static string? TakeString(JsonObject layer, string key, string path)
    {
        if (!layer.TryGetPropertyValue(key, out JsonNode? value)) return null;
        layer.Remove(key);
        return value is JsonValue v && v.TryGetValue(out string? text) && text.Length > 0
            ? text
            : throw new CentrifugeException($"{path}: '{key}' must be a file name or a preset name (a string)", ExitCodes.InvalidInput);
    }

    private static void CheckKeys(JsonObject layer, JsonTypeInfo type, string prefix, string path, string what)
    {
        foreach ((string key, JsonNode? value) in layer)
        {
            JsonPropertyInfo? property = type.Properties.FirstOrDefault(p => p.Name == key);
            if (property is null)
            {
                string? near = type.Properties.Select(p => p.Name).MinBy(name => EditDistance(name, key));
                string hint = near is not null && EditDistance(near, key) <= 2 ? $" (did you mean '{prefix}{near}'?)" : "";
                throw new CentrifugeException($"{path}: unknown key '{prefix}{key}' in this {what}{hint}", ExitCodes.InvalidInput);
            }
            JsonTypeInfo inner = JsonDefaults.Options.GetTypeInfo(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
            if (value is JsonObject nested && inner.Kind == JsonTypeInfoKind.Object)
                CheckKeys(nested, inner, prefix + key + ".", path, what);
        }
    }

    private static int EditDistance(string a, string b)
    {
        int[] previous = Enumerable.Range(0, b.Length + 1).ToArray(), current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static JsonObject ReadObject(string path, string what)
    {
        if (Directory.Exists(path)) throw new CentrifugeException($"{path}: is a folder, expected a {what} file", ExitCodes.NotAFile);
        if (!File.Exists(path)) throw new CentrifugeException($"{path}: {what} not found", ExitCodes.MissingInput);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false })
                as JsonObject ?? throw new CentrifugeException($"{path}: not a valid {what} (expected a JSON object)", ExitCodes.InvalidInput);
        }
        catch (JsonException e)
        {
            throw new CentrifugeException($"{path}: not a valid {what} ({e.Message.Split('\n')[0]})", ExitCodes.InvalidInput, e);
        }
    }
}

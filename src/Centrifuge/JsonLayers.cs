using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Centrifuge;

/// <summary>
/// Config files in layers: `--config base.json --config patch.json` reads each file and merges them in order, a later
/// file overriding an earlier one. Objects merge key by key, recursively; anything else (a number, a string, an array,
/// null) replaces what was there. So a patch names only what it changes: <c>{"model": {"layers": 4}}</c>, and it may
/// be layered on a preset.
/// </summary>
public static class JsonLayers
{
    /// <summary>The files merged in order into one JSON object; <paramref name="what"/> names the kind of file in errors.</summary>
    public static JsonObject Read(IReadOnlyList<string> paths, string what) => Read(paths, what, typeof(JsonObject), new JsonObject());

    /// <summary>
    /// The files merged in order onto <paramref name="under"/> (e.g. a preset), as <typeparamref name="T"/> (JSON with
    /// <see cref="JsonDefaults"/>). A key that <typeparamref name="T"/> does not have, or a key given twice in one
    /// object, is an error naming the key and the file: a misspelt key must not leave its default in place unnoticed.
    /// </summary>
    public static T Load<T>(IReadOnlyList<string> paths, string what, T? under = null) where T : class
    {
        var start = under is null ? new JsonObject() : (JsonObject)JsonSerializer.SerializeToNode(under, JsonDefaults.Options)!;
        JsonObject merged = Read(paths, what, typeof(T), start);
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

    private static JsonObject Read(IReadOnlyList<string> paths, string what, Type type, JsonObject merged)
    {
        if (paths.Count == 0) throw new ArgumentException("no files to read", nameof(paths));
        foreach (string path in paths)
        {
            JsonObject layer = ReadObject(path, what);
            if (type != typeof(JsonObject)) CheckKeys(layer, JsonDefaults.Options.GetTypeInfo(type), "", path, what);
            Merge(merged, layer);
        }
        return merged;
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

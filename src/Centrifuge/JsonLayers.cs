using System.Text.Json;
using System.Text.Json.Nodes;

namespace Centrifuge;

/// <summary>
/// Config files in layers: `--config base.json --config patch.json` reads each file and merges them in order, a later
/// file overriding an earlier one. Objects merge key by key, recursively; anything else (a number, a string, an array,
/// null) replaces what was there. So a patch names only what it changes: <c>{"model": {"layers": 4}}</c>.
/// </summary>
public static class JsonLayers
{
    /// <summary>The files merged in order into one JSON object; <paramref name="what"/> names the kind of file in errors.</summary>
    public static JsonObject Read(IReadOnlyList<string> paths, string what)
    {
        if (paths.Count == 0) throw new ArgumentException("no files to read", nameof(paths));
        var merged = new JsonObject();
        foreach (string path in paths) Merge(merged, ReadObject(path, what));
        return merged;
    }

    /// <summary>The files merged in order, as <typeparamref name="T"/> (JSON with <see cref="JsonDefaults"/>).</summary>
    public static T Load<T>(IReadOnlyList<string> paths, string what)
    {
        JsonObject merged = Read(paths, what);
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

    private static JsonObject ReadObject(string path, string what)
    {
        if (Directory.Exists(path)) throw new CentrifugeException($"{path}: is a folder, expected a {what} file", ExitCodes.NotAFile);
        if (!File.Exists(path)) throw new CentrifugeException($"{path}: {what} not found", ExitCodes.MissingInput);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })
                as JsonObject ?? throw new CentrifugeException($"{path}: not a valid {what} (expected a JSON object)", ExitCodes.InvalidInput);
        }
        catch (JsonException e)
        {
            throw new CentrifugeException($"{path}: not a valid {what} ({e.Message.Split('\n')[0]})", ExitCodes.InvalidInput, e);
        }
    }
}

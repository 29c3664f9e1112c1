using System.Text.Json;

namespace Centrifuge.Training;

/// <summary>Lists the fields that differ between two configs ("iterations: 1000 -> 2000"), by their JSON paths.</summary>
public static class ConfigDifferences
{
    public static IReadOnlyList<string> Describe(TrainingConfig before, TrainingConfig after)
    {
        var a = Flatten(before);
        var b = Flatten(after);
        var changes = new List<string>();
        foreach (string key in a.Keys.Union(b.Keys).Order(StringComparer.Ordinal))
        {
            string from = a.GetValueOrDefault(key, "(absent)"), to = b.GetValueOrDefault(key, "(absent)");
            if (from != to) changes.Add($"{key}: {from} -> {to}");
        }
        return changes;
    }

    private static Dictionary<string, string> Flatten(TrainingConfig config)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using JsonDocument document = JsonDocument.Parse(JsonDefaults.Serialize(config));
        Walk(document.RootElement, "", values);
        return values;
    }

    private static void Walk(JsonElement element, string path, Dictionary<string, string> values)
    {
        if (element.ValueKind == JsonValueKind.Object)
            foreach (JsonProperty p in element.EnumerateObject()) Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, values);
        else
            values[path] = JsonSerializer.Serialize(element);
    }
}

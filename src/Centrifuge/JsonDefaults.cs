using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Centrifuge;

/// <summary>
/// The one JSON style of every file and `--json` output Centrifuge writes: snake_case keys, indented, readable
/// characters unescaped, and +inf/NaN written as "Infinity"/"NaN" (PSNR of identical videos is +inf).
/// </summary>
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),   // so GetTypeInfo works before the first (de)serialisation
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>The same style on one line (a line of a log or of a child process's output).</summary>
    public static string SerializeLine<T>(T value) => JsonSerializer.Serialize(value, LineOptions);

    private static readonly JsonSerializerOptions LineOptions = new(Options) { WriteIndented = false };

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("empty JSON document");
}

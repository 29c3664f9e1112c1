using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Centrifuge;

/// <summary>
/// A clip size T x H x W (frames, height, width): the one type every option, config and report carries it in, and its
/// one parser ("T,H,W" or "TxHxW"). Deconstructs as (frames, height, width); JSON [T, H, W].
/// </summary>
[JsonConverter(typeof(ClipSizeJson))]
public readonly record struct ClipSize(int Frames, int Height, int Width)
{
    /// <summary>
    /// "16,64,64", "16x64x64" or "16 x 64 x 64", each a positive integer; else an <see cref="OptionException"/> for the
    /// option <paramref name="option"/>.
    /// </summary>
    public static ClipSize Parse(string text, string option = "clip")
    {
        string[] parts = text.Split([',', 'x', 'X'], StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1) values[i] = 0;
        if (parts.Length == 3 && values.All(v => v > 0)) return new ClipSize(values[0], values[1], values[2]);
        throw new OptionException(option, $"'{text}'", "expected T,H,W (or TxHxW) as three positive integers, e.g. 16,64,64");
    }

    /// <summary>Refuses a size with a part below 1 (a config or options record built in code).</summary>
    public void Validate(string option = "clip")
    {
        if (Frames < 1 || Height < 1 || Width < 1)
            throw new OptionException(option, ToString(), "expected three positive integers");
    }

    /// <summary>"T,H,W", as the options take it.</summary>
    public override string ToString() => Joined(",");

    /// <summary>T, H and W joined by <paramref name="separator"/>: "16x64x64" with "x".</summary>
    public string Joined(string separator) => string.Join(separator, Frames, Height, Width);
}

/// <summary>A <see cref="ClipSize"/> in JSON: [T, H, W].</summary>
internal sealed class ClipSizeJson : JsonConverter<ClipSize>
{
    public override ClipSize Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        int[] parts = JsonSerializer.Deserialize<int[]>(ref reader, options) ?? [];
        return parts.Length == 3 ? new ClipSize(parts[0], parts[1], parts[2]) : throw new JsonException("a clip size is [T, H, W]");
    }

    public override void Write(Utf8JsonWriter writer, ClipSize value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Frames);
        writer.WriteNumberValue(value.Height);
        writer.WriteNumberValue(value.Width);
        writer.WriteEndArray();
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Centrifuge;

/// <summary>
/// Frames of a damaged video that could not be decoded: a count, or unknown (a cut-off .ts or streamed .mkv declares no
/// length, so what followed the damage cannot be counted). Unknown is a loss: <see cref="Any"/> is true for it, and sums
/// with it stay unknown. JSON: the count, or "unknown". The default is no loss.
/// </summary>
[JsonConverter(typeof(FrameLossJsonConverter))]
public readonly record struct FrameLoss
{
    private readonly int _count;

    private FrameLoss(int count, bool unknown) => (_count, IsUnknown) = (count, unknown);

    public static readonly FrameLoss None = default;
    public static readonly FrameLoss Unknown = new(0, true);

    /// <summary><paramref name="frames"/> lost (negative counts as none).</summary>
    public static FrameLoss Of(int frames) => new(Math.Max(0, frames), false);

    /// <summary>True when the number lost is not known (it is at least one).</summary>
    public bool IsUnknown { get; }

    /// <summary>The frames lost, or null when unknown.</summary>
    public int? Count => IsUnknown ? null : _count;

    /// <summary>True when frames were lost, or may have been (unknown).</summary>
    public bool Any => IsUnknown || _count > 0;

    public static FrameLoss operator +(FrameLoss a, FrameLoss b) =>
        a.IsUnknown || b.IsUnknown ? Unknown : Of(a._count + b._count);

    /// <summary>The total of several losses (unknown when any is).</summary>
    public static FrameLoss Sum(IEnumerable<FrameLoss> losses) => losses.Aggregate(None, (a, b) => a + b);

    /// <summary>"3 frames lost", "an unknown number of frames lost" or "no frames lost".</summary>
    public string Describe() => IsUnknown ? "an unknown number of frames lost"
        : _count == 0 ? "no frames lost" : $"{_count} frame{(_count == 1 ? "" : "s")} lost";

    public override string ToString() => IsUnknown ? "unknown" : _count.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Writes a <see cref="FrameLoss"/> as its count or "unknown"; reads either, and null as none (older files).</summary>
public sealed class FrameLossJsonConverter : JsonConverter<FrameLoss>
{
    public override bool HandleNull => true;

    public override FrameLoss Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => FrameLoss.Of(reader.GetInt32()),
            JsonTokenType.Null => FrameLoss.None,
            JsonTokenType.String when reader.GetString() == "unknown" => FrameLoss.Unknown,
            _ => throw new JsonException($"frames_lost: expected a number or \"unknown\", got {reader.TokenType}"),
        };

    public override void Write(Utf8JsonWriter writer, FrameLoss value, JsonSerializerOptions options)
    {
        if (value.Count is int count) writer.WriteNumberValue(count);
        else writer.WriteStringValue("unknown");
    }
}

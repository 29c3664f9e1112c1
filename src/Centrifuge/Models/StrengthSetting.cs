using System.Globalization;

namespace Centrifuge.Models;

/// <summary>
/// The strength a model's layers are written at: a fixed one (<see cref="LayerStrength"/>) or, with
/// <see cref="Adaptive"/>, one per window (<see cref="AdaptiveStrength"/>; <see cref="Fixed"/> is then 1). A model
/// file may record the setting its card recommends (<see cref="ModelCheckpoint.ReadStrength"/>): `separate`, `demo` and
/// `evaluate` use it when no strength is asked for, and 1 (the model's own layers) for a file that records none.
/// </summary>
public sealed record StrengthSetting(double Fixed = LayerStrength.Full, AdaptiveStrength? Adaptive = null)
{
    /// <summary>The model's own layers.</summary>
    public static StrengthSetting Full { get; } = new();

    /// <summary>`auto`: <see cref="AdaptiveStrength.Default"/>.</summary>
    public static StrengthSetting Auto { get; } = new(LayerStrength.Full, AdaptiveStrength.Default);

    /// <summary><see cref="LayerStrength.Validate(double, AdaptiveStrength?)"/>: an <see cref="OptionException"/> of option "strength".</summary>
    public void Validate() => LayerStrength.Validate(Fixed, Adaptive);

    /// <summary>"auto" or a number from 0 to 1 (any case, spaces trimmed); anything else an <see cref="OptionException"/> of option "strength".</summary>
    public static StrengthSetting Parse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Equals("auto", StringComparison.OrdinalIgnoreCase)) return Auto;
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new OptionException("strength", text, "expected a number from 0 (the input itself) to 1 (the model's layers), or auto");
        var setting = new StrengthSetting(value);
        setting.Validate();
        return setting;
    }

    /// <summary>
    /// A setting <paramref name="file"/> records, validated: one out of range is a <see cref="CentrifugeException"/>
    /// naming the file (a damaged or hand-edited model), not an option error.
    /// </summary>
    public static StrengthSetting? Recorded(StrengthSetting? recorded, string file)
    {
        try
        {
            recorded?.Validate();
        }
        catch (Exception e) when (e is OptionException or ArgumentException)
        {
            throw new CentrifugeException($"{file}: the recorded strength is not valid: {e.Message}", ExitCodes.InvalidInput, e);
        }
        return recorded;
    }

    /// <summary>"auto" (another rule: "auto (0.25 to 1 over 0.35-0.55)"), else the number as written ("0.5", "1").</summary>
    public override string ToString() => Adaptive switch
    {
        null => Fixed.ToString(CultureInfo.InvariantCulture),
        var rule when rule == AdaptiveStrength.Default => "auto",
        var rule => FormattableString.Invariant($"auto ({rule.Low} to 1 over {rule.From}-{rule.To})"),
    };
}

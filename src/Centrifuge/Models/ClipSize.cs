using System.Globalization;

namespace Centrifuge.Models;

/// <summary>The one parser of a clip size T x H x W (frames, height, width), written "T,H,W" or "TxHxW".</summary>
public static class ClipSize
{
    /// <summary>
    /// "16,64,64", "16x64x64" or "16 x 64 x 64" as (frames, height, width), each a positive integer; else an
    /// <see cref="OptionException"/> for the option <paramref name="option"/>.
    /// </summary>
    public static (int Frames, int Height, int Width) Parse(string text, string option = "clip")
    {
        string[] parts = text.Split([',', 'x', 'X'], StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1) values[i] = 0;
        if (parts.Length == 3 && values.All(v => v > 0)) return (values[0], values[1], values[2]);
        throw new OptionException(option, $"'{text}'", "expected T,H,W (or TxHxW) as three positive integers, e.g. 16,64,64");
    }

    /// <summary>Refuses a size with a part below 1 (a config or options record built in code).</summary>
    public static void Validate((int Frames, int Height, int Width) clip, string option = "clip")
    {
        if (clip.Frames < 1 || clip.Height < 1 || clip.Width < 1)
            throw new OptionException(option, $"{clip.Frames},{clip.Height},{clip.Width}", "expected three positive integers");
    }
}

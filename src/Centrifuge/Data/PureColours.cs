namespace Centrifuge.Data;

/// <summary>A named pure colour, RGB in [0, 1].</summary>
public sealed record PureColour(string Name, float Red, float Green, float Blue);

/// <summary>The paper's 8 filter colours (section 4.2): empty videos of one colour, blended with real clips.</summary>
public static class PureColours
{
    public static readonly IReadOnlyList<PureColour> All =
    [
        new("black", 0, 0, 0), new("white", 1, 1, 1), new("red", 1, 0, 0), new("green", 0, 1, 0),
        new("blue", 0, 0, 1), new("yellow", 1, 1, 0), new("cyan", 0, 1, 1), new("magenta", 1, 0, 1),
    ];

    public static PureColour Get(string name) =>
        All.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new CentrifugeException($"colour '{name}': expected one of {string.Join(", ", All.Select(c => c.Name))}", ExitCodes.Usage);
}

namespace Centrifuge.Losses;

/// <summary>The unordered pairs (i, j), i &lt; j, of L layers, in lexicographic order.</summary>
public static class LayerPairs
{
    public static IReadOnlyList<(int A, int B)> Unordered(int layers)
    {
        var pairs = new List<(int, int)>();
        for (int i = 0; i < layers; i++)
            for (int j = i + 1; j < layers; j++)
                pairs.Add((i, j));
        return pairs;
    }
}

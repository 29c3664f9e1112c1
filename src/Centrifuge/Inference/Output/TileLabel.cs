using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Output;

/// <summary>
/// Renders short tile captions ("INPUT", "LAYER 2") with a built-in 5x7 pixel font as white on a black box, so the
/// preview needs neither a font file nor ffmpeg's drawtext.
/// </summary>
public static class TileLabel
{
    private static readonly Dictionary<char, string[]> Glyphs = new()
    {
        [' '] = [".....", ".....", ".....", ".....", ".....", ".....", "....."],
        ['A'] = [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
        ['B'] = ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."],
        ['E'] = ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
        ['I'] = ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "#####"],
        ['L'] = ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
        ['N'] = ["#...#", "##..#", "##..#", "#.#.#", "#..##", "#..##", "#...#"],
        ['P'] = ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
        ['R'] = ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
        ['T'] = ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
        ['U'] = ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
        ['Y'] = ["#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."],
        ['0'] = [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        ['1'] = ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        ['2'] = [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        ['3'] = ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
        ['4'] = ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        ['5'] = ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        ['6'] = ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
        ['7'] = ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        ['8'] = [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        ['9'] = [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
    };

    /// <summary>
    /// The caption as an image: [3, 1, 9s, (6 len + 1)s] in {-1, 1} (a 1-pixel black margin, glyphs 5x7, one column
    /// between them), at integer scale s. Characters without a glyph render as blanks.
    /// </summary>
    public static Tensor Render(string text, int scale)
    {
        text = text.ToUpperInvariant();
        int height = 9, width = 6 * text.Length + 1;
        var pixels = new float[height * width];
        Array.Fill(pixels, -1f);
        for (int k = 0; k < text.Length; k++)
        {
            if (!Glyphs.TryGetValue(text[k], out string[]? glyph)) continue;
            for (int y = 0; y < 7; y++)
                for (int x = 0; x < 5; x++)
                    if (glyph[y][x] == '#') pixels[(y + 1) * width + 1 + 6 * k + x] = 1f;
        }
        using var scope = torch.NewDisposeScope();
        Tensor image = torch.tensor(pixels, new long[] { 1, 1, height, width });
        if (scale > 1) image = image.repeat_interleave(scale, 2).repeat_interleave(scale, 3);
        return image.expand(3, 1, -1, -1).contiguous().MoveToOuterDisposeScope();
    }
}

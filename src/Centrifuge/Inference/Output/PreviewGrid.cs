using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Output;

/// <summary>
/// Lays the input and its layers side by side for preview.mp4: up to three tiles in a row, otherwise a near-square
/// grid, 2-pixel black gutters, each tile captioned (INPUT, LAYER 1, ...), total size rounded up to even for H.264.
/// </summary>
public sealed class PreviewGrid : IDisposable
{
    private const int Gutter = 2;
    private readonly Tensor[] _labels;

    public int TileWidth { get; }
    public int TileHeight { get; }
    public int Columns { get; }
    public int Rows { get; }
    public int Width { get; }
    public int Height { get; }

    public PreviewGrid(IReadOnlyList<string> captions, int tileWidth, int tileHeight)
    {
        int tiles = captions.Count;
        Columns = tiles <= 3 ? tiles : (int)Math.Ceiling(Math.Sqrt(tiles));
        Rows = (tiles + Columns - 1) / Columns;
        TileWidth = tileWidth;
        TileHeight = tileHeight;
        Width = Even(Columns * tileWidth + (Columns - 1) * Gutter);
        Height = Even(Rows * tileHeight + (Rows - 1) * Gutter);
        int scale = Math.Max(1, tileHeight / 120);
        _labels = captions.Select(c => TileLabel.Render(c, scale).DetachFromDisposeScope()).ToArray();   // lives until Dispose
    }

    /// <summary>tiles: one [3, f, h, w] per caption, in order -> [3, f, Height, Width] in [-1, 1].</summary>
    public Tensor Compose(IReadOnlyList<Tensor> tiles)
    {
        if (tiles.Count != _labels.Length) throw new ArgumentException($"{tiles.Count} tiles for {_labels.Length} captions");
        long frames = tiles[0].shape[1];
        using var scope = torch.NewDisposeScope();
        Tensor canvas = ScalarArithmetic.Full([3, frames, Height, Width], -1);
        for (int k = 0; k < tiles.Count; k++)
        {
            int y = k / Columns * (TileHeight + Gutter), x = k % Columns * (TileWidth + Gutter);
            canvas.narrow(2, y, TileHeight).narrow(3, x, TileWidth).copy_(tiles[k]);
            Tensor label = _labels[k];
            int lh = (int)Math.Min(label.shape[2], TileHeight), lw = (int)Math.Min(label.shape[3], TileWidth);
            canvas.narrow(2, y, lh).narrow(3, x, lw).copy_(label.narrow(2, 0, lh).narrow(3, 0, lw).expand(3, frames, lh, lw));
        }
        return canvas.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (Tensor label in _labels) label.Dispose();
    }

    private static int Even(int value) => value + value % 2;
}

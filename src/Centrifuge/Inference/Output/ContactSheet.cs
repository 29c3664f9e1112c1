using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Output;

/// <summary>
/// contact.png: a few frames spread over the video (rows) x the input and its layers (columns), collected while the
/// frames stream past (only the chosen frames are kept, as small tiles) and written as one PNG by ffmpeg.
/// </summary>
public sealed class ContactSheet : IDisposable
{
    private const int Gutter = 2;
    private readonly int _tileHeight;
    private readonly SortedDictionary<int, Tensor> _rows = new();   // frame index -> [3, th, row width]

    /// <summary>The frames shown: the centres of <c>rows</c> equal parts of the video.</summary>
    public IReadOnlyList<int> FrameIndices { get; }

    public ContactSheet(int totalFrames, int rows, int tileHeight = 144)
    {
        _tileHeight = tileHeight;
        FrameIndices = Enumerable.Range(0, rows)
            .Select(i => (int)Math.Floor((i + 0.5) * Math.Max(1, totalFrames) / rows))
            .Distinct().ToArray();
    }

    /// <summary>input: [3, f, h, w], layers: [n, 3, f, h, w], frames firstFrame .. firstFrame + f - 1.</summary>
    public void Offer(int firstFrame, Tensor input, Tensor layers)
    {
        int frames = (int)input.shape[1];
        foreach (int index in FrameIndices)
        {
            if (index < firstFrame || index >= firstFrame + frames || _rows.ContainsKey(index)) continue;
            using var scope = torch.NewDisposeScope();
            var tiles = new List<Tensor> { input.select(1, index - firstFrame) };
            for (int k = 0; k < layers.shape[0]; k++) tiles.Add(layers[k].select(1, index - firstFrame));
            _rows[index] = Row(tiles, captioned: _rows.Count == 0).DetachFromDisposeScope();   // kept until Dispose
        }
    }

    /// <summary>Writes the collected rows as a PNG (temporary name, then renamed). False when no row was collected.</summary>
    public bool Write(string path)
    {
        if (_rows.Count == 0) return false;
        using var scope = torch.NewDisposeScope();
        var parts = new List<Tensor>();
        foreach (Tensor row in _rows.Values)
        {
            if (parts.Count > 0) parts.Add(ScalarArithmetic.Full([3, Gutter, row.shape[2]], -1));
            parts.Add(row);
        }
        Tensor sheet = torch.cat(parts, 1);                       // [3, H, W]
        FrameChunk image = FrameTensors.FromTensor(sheet.unsqueeze(1));
        PngImage.Write(image, path);
        return true;
    }

    public void Dispose()
    {
        foreach (Tensor row in _rows.Values) row.Dispose();
        _rows.Clear();
    }

    // tiles: [3, h, w] each -> one row [3, th, sum of widths + gutters], each tile scaled to height th; the top row
    // gets captions (INPUT, LAYER 1, ...).
    private Tensor Row(List<Tensor> tiles, bool captioned)
    {
        long h = tiles[0].shape[1], w = tiles[0].shape[2];
        int th = (int)Math.Min(h, _tileHeight), tw = Math.Max(1, (int)Math.Round((double)w * th / h));
        var parts = new List<Tensor>();
        foreach (Tensor tile in tiles)
        {
            if (parts.Count > 0) parts.Add(ScalarArithmetic.Full([3, th, Gutter], -1));
            Tensor scaled = th == h ? tile.clone() : nn.functional.interpolate(tile.unsqueeze(0), new long[] { th, tw }, mode: InterpolationMode.Area)[0];
            if (captioned)
            {
                Tensor label = TileLabel.Render(parts.Count == 0 ? "input" : $"layer {(parts.Count + 1) / 2}", 1).select(1, 0);   // [3, 9, lw]
                int lh = (int)Math.Min(label.shape[1], th), lw = (int)Math.Min(label.shape[2], scaled.shape[2]);
                scaled.narrow(1, 0, lh).narrow(2, 0, lw).copy_(label.narrow(1, 0, lh).narrow(2, 0, lw));
            }
            parts.Add(scaled);
        }
        return torch.cat(parts, 2);
    }
}

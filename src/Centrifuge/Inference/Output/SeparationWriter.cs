using Centrifuge.Losses;
using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Output;

/// <summary>
/// What <see cref="SeparationWriter"/> needs of the separation's options: libx264's quality and speed, the frames scaled
/// and encoded at a time (bounds the memory of full-resolution frames), and the rows of contact.png.
/// </summary>
internal sealed record SeparationWriterOptions(int Crf, string EncoderPreset, int WriteChunkFrames, int ContactFrames);

/// <summary>
/// Writes the finished frames of one input as they arrive: layer-K.mp4 scaled to the output size by its encoder, preview.mp4 (input
/// and layers in a grid at processing size), the contact-sheet frames, and, for a blend, running metrics. Nothing is
/// kept beyond the current segment except the contact-sheet tiles.
/// </summary>
internal sealed class SeparationWriter : IDisposable
{
    private readonly SeparationOutputFolder _folder;
    private readonly SeparationWriterOptions _options;
    private readonly int _width, _height;
    private readonly double _fps;
    private readonly IReadOnlyList<double>? _frameTimes;
    private readonly ContactSheet _contact;
    private VideoWriter[] _layerWriters = [];
    private VideoWriter? _previewWriter;
    private PreviewGrid? _grid;
    private double _scoreFrames;
    private double[] _scoreSums = new double[6];

    public int Layers { get; private set; }
    public int FramesWritten { get; private set; }
    public IEnumerable<string> Warnings =>
        _layerWriters.SelectMany(w => w.Warnings).Concat(_previewWriter?.Warnings ?? []).Select(_folder.Shown).Distinct();

    /// <param name="width">output width of the layers</param>
    /// <param name="height">output height of the layers</param>
    /// <param name="expectedFrames">the input's frame count (spreads the contact-sheet rows)</param>
    /// <param name="frameTimes">a variable-frame-rate input's frame times (seconds), kept in every video; null: constant rate</param>
    public SeparationWriter(SeparationOutputFolder folder, SeparationWriterOptions options, int width, int height, double fps, int expectedFrames,
        IReadOnlyList<double>? frameTimes = null)
    {
        _frameTimes = frameTimes;
        _folder = folder;
        _options = options;
        _width = width;
        _height = height;
        _fps = fps;
        _contact = new ContactSheet(expectedFrames, options.ContactFrames);
    }

    public static string LayerFile(int layer) => $"layer-{layer + 1}.mp4";

    /// <summary>Frame-weighted mean scores of a blend's segments (Loss, Psnr, Ssim, Ncc, Psnri, Diversity), or null.</summary>
    public SeparationScores? Scores => _scoreFrames == 0 ? null
        : new SeparationScores(_scoreSums[0] / _scoreFrames, _scoreSums[1] / _scoreFrames, _scoreSums[2] / _scoreFrames,
            _scoreSums[3] / _scoreFrames, _scoreSums[4] / _scoreFrames, _scoreSums[5] / _scoreFrames);

    /// <summary>
    /// Frames made final, from frame <paramref name="firstFrame"/> on. layers: [n, 3, f, h, w]; frames: [3 (+ 6 for a
    /// blend: A, B), f, h, w], the input at the same times. Both in [-1, 1].
    /// </summary>
    public void Write(int firstFrame, Tensor layers, Tensor frames)
    {
        using var scope = torch.NewDisposeScope();
        if (_previewWriter is null) Start(layers);
        Tensor input = frames.narrow(0, 0, 3);
        _previewWriter!.Write(_grid!.Compose([input, .. Enumerable.Range(0, Layers).Select(k => layers[k])]));
        _contact.Offer(firstFrame, input, layers);
        if (frames.shape[0] == 9) Score(layers, frames);

        int f = (int)layers.shape[2];
        for (int start = 0; start < f; start += _options.WriteChunkFrames)
        {
            using var chunkScope = torch.NewDisposeScope();
            int count = Math.Min(_options.WriteChunkFrames, f - start);
            Tensor chunk = layers.narrow(2, start, count);   // [n, 3, count, h, w]: each encoder scales to the output size
            for (int k = 0; k < Layers; k++) _layerWriters[k].Write(chunk[k]);
        }
        FramesWritten += f;
    }

    /// <summary>Finishes every video, copies the chosen pair to pair-a.mp4 / pair-b.mp4 and writes contact.png.</summary>
    public void Complete((int A, int B) pair)
    {
        if (_previewWriter is null) throw new CentrifugeException($"{_folder.FinalPath}: no frames were separated", ExitCodes.DecodeFailed);
        foreach (VideoWriter writer in _layerWriters) writer.Complete();
        _previewWriter.Complete();
        File.Copy(_folder.File(LayerFile(pair.A)), _folder.File("pair-a.mp4"));
        File.Copy(_folder.File(LayerFile(pair.B)), _folder.File("pair-b.mp4"));
        _contact.Write(_folder.File("contact.png"));
    }

    public void Dispose()
    {
        foreach (VideoWriter writer in _layerWriters) writer.Dispose();
        _previewWriter?.Dispose();
        _grid?.Dispose();
        _contact.Dispose();
    }

    private void Start(Tensor layers)
    {
        Layers = (int)layers.shape[0];
        int h = (int)layers.shape[3], w = (int)layers.shape[4];
        var options = new VideoWriterOptions { Crf = _options.Crf, Preset = _options.EncoderPreset, FrameTimes = _frameTimes };
        // The layers go to ffmpeg at processing size and its scaler brings them to the output size (bilinear up, area
        // down): no full-size frames in torch, and a fraction of the bytes through the pipe.
        var layerOptions = options with { ScaleTo = (_width, _height) };
        _layerWriters = Enumerable.Range(0, Layers)
            .Select(k => VideoWriter.Create(_folder.File(LayerFile(k)), w, h, _fps, layerOptions)).ToArray();
        _grid = new PreviewGrid(["input", .. Enumerable.Range(1, Layers).Select(k => $"layer {k}")], w, h);
        _previewWriter = VideoWriter.Create(_folder.File("preview.mp4"), _grid.Width, _grid.Height, _fps, options);
    }

    private const int ScoreChunkFrames = 4;

    // frames: [9, f, h, w] = blend, A, B. Scores of this segment, weighted by its frame count.
    private void Score(Tensor layers, Tensor frames)
    {
        int f = (int)frames.shape[1];
        Tensor mixture = frames.narrow(0, 0, 3).unsqueeze(0);                                        // [1, 3, f, h, w]
        Tensor targets = torch.stack(new[] { frames.narrow(0, 3, 3), frames.narrow(0, 6, 3) }).unsqueeze(0);   // [1, 2, 3, f, h, w]
        // A few frames at a time: a whole 32-frame segment at 224p in float64 took gigabytes.
        SeparationScores s = ChunkedSeparationMetrics.PerSample(layers.unsqueeze(0), targets, mixture, ScoreChunkFrames)[0];
        double[] values = [s.Loss, s.Psnr, s.Ssim, s.Ncc, s.Psnri, s.Diversity];
        for (int i = 0; i < values.Length; i++) _scoreSums[i] += values[i] * f;
        _scoreFrames += f;
    }
}

using Centrifuge.Data;
using static TorchSharp.torch;

namespace Centrifuge.Training;

/// <summary>
/// Blends of two synthetic videos generated in memory, for smoke tests and the "does it learn" check: a bright
/// moving square over a dark horizontal gradient, and a dark moving disc over a light vertical gradient (different
/// shapes, colours, motion and brightness, so a small model can learn to tell them apart in a few hundred steps). Batch i is a pure function of (seed, i); the validation set uses its own stream of the same kind.
/// Selected by <c>--data synthetic:shapes</c>.
/// </summary>
public sealed class SyntheticShapesBatches : ITrainingBatches
{
    private const ulong ValidationSalt = 0x5EED_0F_7A11DA7EUL;
    private readonly int _batch, _frames, _height, _width, _validationPairs;
    private readonly ulong _seed;

    public SyntheticShapesBatches(int batchSize, int frames, int height, int width, int validationPairs, long seed)
    {
        (_batch, _frames, _height, _width, _validationPairs) = (batchSize, frames, height, width, validationPairs);
        _seed = (ulong)seed;
    }

    public static SyntheticShapesBatches From(TrainingConfig config) =>
        new(config.Data.BatchSize, config.Data.Frames, config.Data.Height, config.Data.Width,
            config.ValidationPairs, config.Data.Seed);

    public string Description =>
        $"synthetic moving shapes: {_frames}x{_height}x{_width} clips, batch {_batch}, {_validationPairs} validation pairs";

    // Mixture [B, 3, T, H, W], Targets [B, 2, 3, T, H, W], Weights [B, 2]
    public BlendedBatch Training(long index) => Make(_seed, index, _batch, firstSample: index * _batch) with { Iteration = index };

    public IEnumerable<BlendedBatch> Validation()
    {
        for (int start = 0; start < _validationPairs; start += _batch)
            yield return Make(_seed ^ ValidationSalt, start / _batch, Math.Min(_batch, _validationPairs - start), start);
    }

    public void Dispose() { }

    private BlendedBatch Make(ulong seed, long index, int count, long firstSample)
    {
        long volume = 3L * _frames * _height * _width;
        var targets = new float[count * 2 * volume];
        for (int b = 0; b < count; b++)
        {
            var rng = new ShapeRandom(seed * 0x9E3779B97F4A7C15UL ^ (ulong)(firstSample + b) * 0xD1B54A32D192ED03UL);
            DrawSquares(targets.AsSpan((int)((2 * b) * volume), (int)volume), rng);
            DrawDiscs(targets.AsSpan((int)((2 * b + 1) * volume), (int)volume), rng);
        }
        Tensor layers = tensor(targets, [count, 2, 3, _frames, _height, _width]);
        Tensor mixture = layers.mean([1]);   // V = (V1 + V2) / 2, alpha = 0.5 as in the paper
        Tensor weights = ScalarArithmetic.Full([count, 2], 0.5);
        string[][] ids = [.. Enumerable.Range(0, count).Select(b => new[] { $"shapes:squares:{firstSample + b}", $"shapes:discs:{firstSample + b}" })];
        return new BlendedBatch(mixture, layers, weights, ids);
    }

    // A square moving in a straight line (bouncing) over a horizontal gradient.
    private void DrawSquares(Span<float> video, ShapeRandom rng)
    {
        float[] bgA = rng.Colour(-1, -0.5), bgB = Shift(bgA, 0.25f), fg = rng.Colour(-0.2, 1);
        double size = _height * rng.Range(0.25, 0.45);
        double x = rng.Range(0, _width - size), y = rng.Range(0, _height - size);
        double vx = rng.Range(-2, 2) * _width / 32.0, vy = rng.Range(-2, 2) * _height / 32.0;
        for (int t = 0; t < _frames; t++)
        {
            for (int h = 0; h < _height; h++)
            for (int w = 0; w < _width; w++)
            {
                bool inside = w >= x && w < x + size && h >= y && h < y + size;
                float g = _width > 1 ? w / (float)(_width - 1) : 0;
                for (int c = 0; c < 3; c++)
                    video[Index(c, t, h, w)] = inside ? fg[c] : bgA[c] * (1 - g) + bgB[c] * g;
            }
            Bounce(ref x, ref vx, _width - size);
            Bounce(ref y, ref vy, _height - size);
        }
    }

    // A disc moving in a straight line (bouncing) over a vertical gradient.
    private void DrawDiscs(Span<float> video, ShapeRandom rng)
    {
        float[] bgA = rng.Colour(0.3, 0.8), bgB = Shift(bgA, -0.25f), fg = rng.Colour(-1, 0.2);
        double r = _height * rng.Range(0.15, 0.3);
        double x = rng.Range(r, _width - r), y = rng.Range(r, _height - r);
        double vx = rng.Range(-2, 2) * _width / 32.0, vy = rng.Range(-2, 2) * _height / 32.0;
        for (int t = 0; t < _frames; t++)
        {
            for (int h = 0; h < _height; h++)
            for (int w = 0; w < _width; w++)
            {
                bool inside = (w - x) * (w - x) + (h - y) * (h - y) <= r * r;
                float g = _height > 1 ? h / (float)(_height - 1) : 0;
                for (int c = 0; c < 3; c++)
                    video[Index(c, t, h, w)] = inside ? fg[c] : bgA[c] * (1 - g) + bgB[c] * g;
            }
            x -= r; Bounce(ref x, ref vx, _width - 2 * r); x += r;
            y -= r; Bounce(ref y, ref vy, _height - 2 * r); y += r;
        }
    }

    private static float[] Shift(float[] colour, float by) => [colour[0] + by, colour[1] + by, colour[2] + by];

    private int Index(int c, int t, int h, int w) => ((c * _frames + t) * _height + h) * _width + w;

    private static void Bounce(ref double position, ref double velocity, double max)
    {
        position += velocity;
        if (position < 0) { position = -position; velocity = -velocity; }
        if (position > max) { position = 2 * max - position; velocity = -velocity; }
        position = Math.Clamp(position, 0, Math.Max(0, max));
    }

    /// <summary>A tiny, fully specified generator (SplitMix64), so clips never depend on the runtime's Random.</summary>
    private sealed class ShapeRandom(ulong state)
    {
        private ulong _state = state;

        private ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));

        public double Range(double low, double high) => low + (high - low) * Unit();

        public float[] Colour(double low, double high) => [(float)Range(low, high), (float)Range(low, high), (float)Range(low, high)];
    }
}

using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Data;

/// <summary>
/// A picture of the training data a config draws: one row per sample, showing the mixture and then each layer, each
/// at its first, middle and last frame, so camera motion, object paths, occlusion and blending can be checked by eye.
/// </summary>
public static class SampleSheet
{
    private const int Gutter = 2, GroupGap = 6;

    /// <summary>
    /// Renders training samples 0 .. <paramref name="count"/>-1 of step <paramref name="step"/> (exactly those the
    /// trainer draws) from the training split of <paramref name="config"/> and writes them as a PNG.
    /// </summary>
    public static void Write(DataConfig config, int count, long step, string path)
    {
        using TrainingData data = TrainingData.Open(config);
        data.Train.EnsureUsable("training data");
        var keys = Enumerable.Range(0, count).Select(i => (step, (long)i)).ToList();
        using var scope = torch.NewDisposeScope();
        BlendedBatch batch = BlendComposer.Compose(data.Train, config, BlendRecipe.Train, config.Seed, keys);
        PngImage.Write(FrameTensors.FromTensor(Grid(batch.Mixture, batch.Targets).unsqueeze(1)), path);
    }

    /// <summary>mixture [B, 3, T, H, W], targets [B, k, 3, T, H, W] (both in [-1, 1]) -> the sheet [3, rows, columns] in [-1, 1].</summary>
    public static Tensor Grid(Tensor mixture, Tensor targets)
    {
        using var scope = torch.NewDisposeScope();
        long b = mixture.shape[0], k = targets.shape[1], t = mixture.shape[2], h = mixture.shape[3], w = mixture.shape[4];
        long scale = Math.Max(1, (long)Math.Ceiling(96.0 / h));
        long[] frames = [0, t / 2, t - 1];
        var rows = new List<Tensor>();
        for (long i = 0; i < b; i++)
        {
            var parts = new List<Tensor>();
            Tensor[] clips = [mixture[i], .. Enumerable.Range(0, (int)k).Select(j => targets[i, j])];
            foreach (Tensor clip in clips)
            {
                if (parts.Count > 0) parts.Add(ScalarArithmetic.Full([3, h * scale, GroupGap], 1));
                for (int f = 0; f < frames.Length; f++)
                {
                    if (f > 0) parts.Add(ScalarArithmetic.Full([3, h * scale, Gutter], -1));
                    Tensor frame = clip.select(1, frames[f]).unsqueeze(0);
                    parts.Add(nn.functional.interpolate(frame, new long[] { h * scale, w * scale }, mode: InterpolationMode.Nearest)[0]);
                }
            }
            if (rows.Count > 0) rows.Add(ScalarArithmetic.Full([3, GroupGap, parts.Sum(p => p.shape[2])], 1));
            rows.Add(torch.cat(parts, 2));
        }
        return torch.cat(rows, 1).MoveToOuterDisposeScope();
    }
}

using Centrifuge.Models;

namespace Centrifuge.Evaluation;

/// <summary>How `centrifuge evaluate` draws and scores its pairs. Clip null: the clip the model file says it was trained
/// at, else the training run's clip size when the checkpoint sits in a run folder (its config.json), else the paper's
/// 32 x 112 x 112.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Number of blended pairs N (the same N pairs for every model, given the seed).</summary>
    public int Pairs { get; init; } = 100;
    public long Seed { get; init; } = 1;
    public (int Frames, int Height, int Width)? Clip { get; init; }
    public InferencePrecision Precision { get; init; } = InferencePrecision.Fp32;
    public string Device { get; init; } = "cpu";
    /// <summary>Clip cache folder for the evaluation videos (kept and reused); null = a temporary one.</summary>
    public string? Cache { get; init; }
    /// <summary>Pairs per forward pass (memory is bounded by this).</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Parses "T,H,W" (e.g. "16,64,64") as a clip size.</summary>
    public static (int Frames, int Height, int Width) ParseClip(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 3 && int.TryParse(parts[0], out int t) && int.TryParse(parts[1], out int h) &&
            int.TryParse(parts[2], out int w) && t > 0 && h > 0 && w > 0)
            return (t, h, w);
        throw new CentrifugeException($"--clip '{text}': expected T,H,W as three positive integers, e.g. 16,64,64", ExitCodes.Usage);
    }

    public void Validate()
    {
        if (Pairs < 1) throw new CentrifugeException($"--pairs {Pairs}: must be >= 1", ExitCodes.Usage);
        if (BatchSize < 1) throw new CentrifugeException($"batch size {BatchSize}: must be >= 1", ExitCodes.Usage);
        if (Clip is { } c && (c.Frames < 1 || c.Height < 1 || c.Width < 1))
            throw new CentrifugeException($"--clip {c.Frames},{c.Height},{c.Width}: expected three positive integers", ExitCodes.Usage);
    }
}

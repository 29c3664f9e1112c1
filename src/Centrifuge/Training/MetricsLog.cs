using System.Text;
using System.Text.Json;

namespace Centrifuge.Training;

/// <summary>One "train" line of metrics.jsonl: the mean loss over the last log interval.</summary>
/// <remarks>
/// <see cref="Ratio"/> is the interval's permutation-invariant loss over the identity's on the same (augmented) training
/// batches: beside the validation's ratios it tells a model that fits its training distribution and fails to carry it
/// to unseen videos (overfitting) from one that fits neither (underfitting).
/// </remarks>
public sealed record TrainMetrics(long Iteration, double Loss, double LearningRate, double ItersPerSecond, int SkippedSteps, double Seconds)
{
    public string Kind => "train";
    /// <summary>CPU seconds of the training process so far (all sessions), beside the wall-clock <see cref="Seconds"/>.</summary>
    public double? CpuSeconds { get; init; }
    /// <summary>Mean permutation-invariant loss of the identity (every output the mixture) on the interval's batches.</summary>
    public double? IdentityLoss { get; init; }
    /// <summary>The interval's permutation-invariant loss over <see cref="IdentityLoss"/>.</summary>
    public double? Ratio { get; init; }
}

/// <summary>
/// One "validation" line of metrics.jsonl; with real videos, also the ratios to identity on blends of the training
/// videos and of the validation videos side by side (the generalisation gap).
/// </summary>
public sealed record ValidationMetrics(long Iteration, int Pairs, double Loss, double IdentityLoss, double Ratio,
    double Psnr, double Ssim, double Psnri, double IdentityPsnr, double IdentitySsim, bool Best)
{
    public string Kind => "validation";
    public double? TrainingVideosRatio { get; init; }
    public double? ValidationVideosRatio { get; init; }
    public double? TrainingVideosLoss { get; init; }
    public double? ValidationVideosLoss { get; init; }
    /// <summary>Share of pairs with PSNRi &gt; 0: of the validation set, of the training videos' and of the unseen videos' blends.</summary>
    public double? WinRate { get; init; }
    public double? TrainingVideosWinRate { get; init; }
    public double? ValidationVideosWinRate { get; init; }

    public static ValidationMetrics From(ValidationResult r, bool best) =>
        new(r.Iteration, r.Pairs, r.Loss, r.IdentityLoss, r.Ratio, r.Psnr, r.Ssim, r.Psnri, r.IdentityPsnr, r.IdentitySsim, best)
        {
            TrainingVideosRatio = r.TrainingVideos?.Ratio, ValidationVideosRatio = r.ValidationVideos?.Ratio,
            TrainingVideosLoss = r.TrainingVideos?.Loss, ValidationVideosLoss = r.ValidationVideos?.Loss,
            WinRate = r.WinRate, TrainingVideosWinRate = r.TrainingVideos?.WinRate, ValidationVideosWinRate = r.ValidationVideos?.WinRate,
        };
}

/// <summary>
/// RUN_DIR/metrics.jsonl: one JSON object per line, appended as training goes. On resume the lines past the
/// checkpoint's iteration (written by the session that was killed) are dropped, and a torn last line is ignored.
/// </summary>
public sealed class MetricsLog
{
    private static readonly JsonSerializerOptions Compact = new(JsonDefaults.Options) { WriteIndented = false };

    public string Path { get; }
    public List<TrainMetrics> Train { get; } = [];
    public List<ValidationMetrics> Validation { get; } = [];

    public MetricsLog(string path) => Path = path;

    /// <summary>Reads the existing log, keeping only lines at or before <paramref name="upToIteration"/>, and rewrites it so.</summary>
    public void Resume(long upToIteration)
    {
        Train.Clear();
        Validation.Clear();
        if (!File.Exists(Path)) return;
        var kept = new StringBuilder();
        foreach (string line in File.ReadLines(Path))
        {
            JsonDocument document;
            try { document = JsonDocument.Parse(line); }
            catch (JsonException) { continue; }   // a line torn by a kill
            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out JsonElement kind) ||
                    !root.TryGetProperty("iteration", out JsonElement it) || it.GetInt64() > upToIteration) continue;
                if (kind.GetString() == "train") Train.Add(root.Deserialize<TrainMetrics>(JsonDefaults.Options)!);
                else if (kind.GetString() == "validation") Validation.Add(root.Deserialize<ValidationMetrics>(JsonDefaults.Options)!);
                else continue;
                kept.Append(line).Append('\n');
            }
        }
        AtomicFile.Write(Path, s => s.Write(Encoding.UTF8.GetBytes(kept.ToString())));
    }

    public void Append(TrainMetrics metrics)
    {
        Train.Add(metrics);
        AppendLine(JsonSerializer.Serialize(metrics, Compact));
    }

    public void Append(ValidationMetrics metrics)
    {
        Validation.Add(metrics);
        AppendLine(JsonSerializer.Serialize(metrics, Compact));
    }

    private void AppendLine(string json)
    {
        try
        {
            File.AppendAllText(Path, json + "\n");
        }
        catch (IOException e) when (AtomicFile.IsDiskFull(e))
        {
            throw new CentrifugeException($"{Path}: no space left on device", ExitCodes.WriteFailed, e) { Remedy = Remedy.FreeSpaceThenResume };
        }
    }
}

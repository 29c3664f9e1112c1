using System.Globalization;
using System.Text.Json;
using Centrifuge.Data;
using Centrifuge.Losses;
using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// `centrifuge evaluate`: scores a checkpoint on N deterministic blended pairs of held-out videos against the two
/// baselines of the paper's Table 1 — identity and the untrained architecture.
/// </summary>
public static class Evaluator
{
    /// <summary>Seed of the untrained baseline's random initialisation (fixed, so the row is reproducible).</summary>
    public const int UntrainedSeed = 1234;

    /// <summary>
    /// Loads <paramref name="checkpoint"/> and evaluates it on pairs from <paramref name="source"/>; the clip cache of the
    /// videos is prepared first, reporting on <paramref name="events"/>.
    /// </summary>
    public static EvaluationResult Run(string checkpoint, string source, EvaluationOptions options, ISourceDecoder decoder,
        IRunEvents? events = null)
    {
        options.Validate();
        Device device = options.Compute.Apply();
        (int frames, int height, int width) = options.Clip ?? TrainedClip(checkpoint) ?? RunClip(checkpoint) ?? new ClipSize(32, 112, 112);
        using InferenceModel model = InferenceModel.Load(checkpoint, device, options.Compute.Precision);
        using InferenceModel? reference = options.Reference is { } other ? InferenceModel.Load(other, device, options.Compute.Precision) : null;
        var config = new DataConfig
        {
            Sources = [source], Frames = frames, Height = height, Width = width,
            FrozenProbability = 0, ColourProbability = 0, PhotoProbability = 0, CompositeProbability = 0, ProceduralProbability = 0, Seed = options.Seed,
        };
        using HeldOutVideos videos = HeldOutVideos.Open(config, decoder, options.Cache, events);
        EvaluationResult result = Run(model, videos.Pairs(options.Pairs, options.Seed, placement: options.Placement), options, reference);
        return result with
        {
            Skipped = videos.Skipped,
            Setup =
            [
                ("checkpoint", Path.GetFullPath(checkpoint)), ("data", Path.GetFullPath(source)),
                ("usable videos", $"{videos.Pool.Moving.Count} ({videos.Skipped.Count} skipped)"),
                ("clip T,H,W", $"{frames},{height},{width}"), ("pairs", options.Pairs.ToString()),
                ("placement", $"{options.Placement.ToString().ToLowerInvariant()}; {VideoPairs(result.PerPair)} distinct video pairs"),
                ("seed", options.Seed.ToString()), ("precision", options.Compute.Precision.ToString().ToLowerInvariant()),
                ("model", Describe(model.Config)),
                .. options.Strength == LayerStrength.Full ? [] : new[] { ("strength", $"{options.Strength.ToString(CultureInfo.InvariantCulture)} (the model's layers moved that far from the mixture; 0 = identity)") },
                .. options.AdaptiveStrength is not { } rule ? [] : new[] { ("strength", $"auto: per pair, {rule.Low.ToString(CultureInfo.InvariantCulture)} to 1 as the layers' contrast alignment rises from {rule.From.ToString(CultureInfo.InvariantCulture)} to {rule.To.ToString(CultureInfo.InvariantCulture)}") },
                .. reference is null ? [] : new[] { ("reference", $"{Path.GetFullPath(options.Reference!)}: {Describe(reference.Config)}" +
                    (options.ReferenceStrength == StrengthSetting.Full ? "" : $", at strength {options.ReferenceStrength}")) },
            ],
        };
    }

    /// <summary>Evaluates a model (left in the mode it came in) on a fixed set of pairs.</summary>
    public static EvaluationResult Run(CentrifugeModel model, ValidationSet pairs, EvaluationOptions options)
    {
        using var trained = new InferenceModel(model, options.Compute.Precision);
        return Run(trained, pairs, options);
    }

    private static string Describe(ModelConfig c) =>
        $"{c.Encoder.ToString().ToLowerInvariant()} encoder to {c.Endpoint}, width {c.Width}, n = {c.Layers}, correction steps {c.CorrectionSteps}";

    /// <summary>
    /// Evaluates a loaded model on a fixed set of pairs, beside the identity and an untrained model of its architecture,
    /// and a <paramref name="reference"/> model when given (compared with the model pair by pair).
    /// </summary>
    public static EvaluationResult Run(InferenceModel model, ValidationSet pairs, EvaluationOptions options, InferenceModel? reference = null)
    {
        var device = TorchRuntime.ResolveDevice(options.Compute.Device);
        using CentrifugeModel untrained = CreateUntrained(model.Config, device);
        using var untrainedModel = new InferenceModel(untrained, options.Compute.Precision);
        var strengths = new List<double>();   // under --strength auto, each pair's, in the order the pairs are scored
        Contender[] contenders =
        [
            Contender.Identity,
            Contender.Of("untrained", untrainedModel),
            new Contender("model", LayerStrength.Wrap(model.Separate, options.Strength, options.AdaptiveStrength, strengths.AddRange)),
            .. reference is null ? [] : new[]
            {
                new Contender("reference", LayerStrength.Wrap(reference.Separate, options.ReferenceStrength.Fixed, options.ReferenceStrength.Adaptive)),
            },
        ];
        var (scores, sources) = PairScorer.PerPair(pairs.Batches(options.BatchSize), contenders);
        if (options.AdaptiveStrength is not null && strengths.Count != scores[0].Count)
            throw new InvalidOperationException($"{strengths.Count} adaptive strengths for {scores[0].Count} pairs");
        ScoreRow[] rows = scores.Select(s => ScoreRow.Mean(s)).ToArray();
        PairScore[] perPair = Enumerable.Range(0, scores[0].Count).Select(i => new PairScore(i + 1,
            sources[i].Select(id => Path.GetFileName(id.Split('#')[0])).ToArray(),
            scores[0][i].Loss, scores[2][i].Loss, scores[2][i].Psnri, scores[1][i].Psnri)
        {
            ReferencePsnri = reference is null ? null : scores[3][i].Psnri,
            Strength = options.AdaptiveStrength is null ? null : strengths[i],
        }).ToArray();
        return new EvaluationResult(pairs.Count, rows[0], rows[1], rows[2], Ratio(rows[2].Loss, rows[0].Loss))
        {
            Strength = options.Strength,
            AdaptiveStrength = options.AdaptiveStrength,
            PerPair = perPair,
            Reference = reference is null ? null : rows[3],
            ReferenceStrength = reference is null ? null : options.ReferenceStrength,
            Comparison = reference is null ? null : PairedComparison.Of(scores[2].Select(s => s.Psnri).ToArray(), scores[3].Select(s => s.Psnri).ToArray()),
        };
    }

    /// <summary>How many distinct unordered pairs of videos the pairs blend (a layer's id is "video@start frame").</summary>
    public static int VideoPairs(IEnumerable<PairScore> pairs) =>
        pairs.Select(VideoGroup.PairName).Distinct(StringComparer.Ordinal).Count();

    /// <summary>
    /// The same architecture with random weights: PyTorch's default initialisation of convolutions and linear layers
    /// (weights and biases uniform in ±1/sqrt(fan_in)) drawn from a private generator seeded with
    /// <see cref="UntrainedSeed"/>, so the row is reproducible even while other threads use libtorch's global RNG.
    /// Batch-norm parameters keep their constant initial values.
    /// </summary>
    public static CentrifugeModel CreateUntrained(ModelConfig config, Device? device = null)
    {
        var model = CentrifugeModel.Create(config);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var generator = new torch.Generator((ulong)UntrainedSeed);
        using (torch.no_grad())
            foreach ((string name, var parameter) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var weight = name.EndsWith(".bias", StringComparison.Ordinal)
                    ? parameters.GetValueOrDefault(name[..^".bias".Length] + ".weight")
                    : parameter;
                if (weight is null || weight.dim() < 2) continue;
                long fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
                double bound = 1 / Math.Sqrt(fanIn);
                parameter.uniform_(-bound, bound, generator);
            }
        if (device is not null) model.to(device);
        model.eval();
        return model;
    }

    public static double Ratio(double loss, double identityLoss) => identityLoss > 0 ? loss / identityLoss : double.NaN;

    /// <summary>The clip T, H, W the model file records it was trained at, if it does.</summary>
    public static ClipSize? TrainedClip(string checkpoint) => ModelCheckpoint.ReadTrainingScale(checkpoint)?.Clip;

    /// <summary>The clip T, H, W of the training run the checkpoint belongs to (RUN_DIR/config.json), if any.</summary>
    public static ClipSize? RunClip(string checkpoint)
    {
        string config = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpoint))!, "config.json");
        if (!File.Exists(config)) return null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(config));
            if (!doc.RootElement.TryGetProperty("data", out JsonElement data)) return null;
            return data.TryGetProperty("frames", out JsonElement t) && data.TryGetProperty("height", out JsonElement h) &&
                   data.TryGetProperty("width", out JsonElement w)
                ? new ClipSize(t.GetInt32(), h.GetInt32(), w.GetInt32())
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}

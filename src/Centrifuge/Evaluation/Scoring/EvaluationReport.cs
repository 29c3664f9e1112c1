using System.Text;
using Centrifuge.Evaluation.Reports;
using Centrifuge.Models;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// The report folder of `centrifuge evaluate --report DIR`: report.md (Table 1 as Markdown, with the paper's
/// numbers, the spread over pairs, the pairs gathered by video pair and by video, every pair's PSNRi and the setup),
/// report.json (the --json object), scores.png (loss bars per row) and pairs.png (the model's PSNRi per pair, sorted).
/// </summary>
public static class EvaluationReport
{
    public const string Markdown = "report.md", Json = "report.json", Chart = "scores.png", PairsChart = "pairs.png";
    private static readonly string[] Files = [Markdown, Json, Chart, PairsChart];

    /// <summary>Paper Table 1 (Kinetics-600 validation, 32 x 112 x 112, basic predictor, n = 2).</summary>
    public static readonly IReadOnlyDictionary<string, double> PaperLoss = new Dictionary<string, double>
    {
        ["identity"] = 0.361, ["untrained"] = 0.561, ["model"] = 0.187,
    };

    /// <summary>Fails (OutputExists) when a report is already in <paramref name="folder"/> and not force: call before evaluating.</summary>
    public static void Check(string folder, bool force) => ReportFiles.Check(folder, Files, force);

    /// <summary>Writes the four files; returns their paths.</summary>
    public static IReadOnlyList<string> Write(EvaluationResult result, string folder, bool force)
    {
        ReportFiles files = ReportFiles.Open(folder, Files, force);
        return
        [
            files.WriteText(Markdown, ToMarkdown(result)),
            files.WriteText(Json, JsonDefaults.Serialize(result) + "\n"),
            files.WriteBytes(Chart, RenderChart(result)),
            files.WriteBytes(PairsChart, PairChart.Render($"Model PSNRi per pair ({result.Pairs} held-out pairs; above 0 = better than the mixture)",
                "PSNRi (dB)", result.PerPair.Select(p => p.Psnri).ToList())),
        ];
    }

    public static IEnumerable<(string Name, ScoreRow Row)> Rows(EvaluationResult r) =>
        [("identity", r.Identity), ("untrained", r.Untrained), ("model", r.Model), .. r.Reference is { } reference ? new[] { ("reference", reference) } : []];

    private static double Paper(string row) => PaperLoss.TryGetValue(row, out double loss) ? loss : double.NaN;

    /// <summary>The table alone: row, loss, PSNR, SSIM, PSNRi (mean, median, 10th percentile), win rate, diversity, paper loss.</summary>
    public static string Table(EvaluationResult result) => MarkdownTable.Render(
        ["row", "loss", "PSNR (dB)", "SSIM", "PSNRi (dB)", "median PSNRi", "10th pct PSNRi", "win rate", "diversity", "paper loss"],
        Rows(result).Select(r => (IReadOnlyList<string>)
        [
            r.Name, MarkdownTable.Number(r.Row.Loss), MarkdownTable.Number(r.Row.Psnr, 2), MarkdownTable.Number(r.Row.Ssim),
            MarkdownTable.Number(r.Row.Psnri, 2), MarkdownTable.Number(r.Row.PsnriMedian, 2), MarkdownTable.Number(r.Row.PsnriP10, 2),
            Percent(r.Row.WinRate), MarkdownTable.Number(r.Row.Diversity), MarkdownTable.Number(Paper(r.Name)),
        ]));

    /// <summary>
    /// Every pair: its videos, the identity's and the model's loss, the model's, the untrained model's and the
    /// reference's PSNRi, and under `--strength auto` the pair's strength.
    /// </summary>
    public static string PairTable(EvaluationResult result) => MarkdownTable.Render(
        ["pair", "videos", "identity loss", "model loss", "model PSNRi (dB)", "untrained PSNRi (dB)",
            .. result.Reference is null ? Array.Empty<string>() : ["reference PSNRi (dB)"],
            .. result.AdaptiveStrength is null ? Array.Empty<string>() : ["strength (auto)"]],
        result.PerPair.Select(p => (IReadOnlyList<string>)
        [
            p.Pair.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(" + ", p.Videos),
            MarkdownTable.Number(p.IdentityLoss), MarkdownTable.Number(p.Loss), MarkdownTable.Number(p.Psnri, 2), MarkdownTable.Number(p.UntrainedPsnri, 2),
            .. result.Reference is null ? Array.Empty<string>() : [MarkdownTable.Number(p.ReferencePsnri ?? double.NaN, 2)],
            .. result.AdaptiveStrength is null ? Array.Empty<string>() : [MarkdownTable.Number(p.Strength ?? double.NaN, 3)],
        ]));

    /// <summary>
    /// One row per group of pairs (<see cref="VideoGroup"/>): its pairs, the model's mean, median and worst PSNRi and win
    /// rate, and with a reference the pairs on which the model beats it.
    /// </summary>
    public static string GroupTable(string heading, IReadOnlyList<VideoGroup> groups) => MarkdownTable.Render(
        [heading, "pairs", "mean PSNRi (dB)", "median PSNRi (dB)", "worst PSNRi (dB)", "win rate",
            .. groups.Any(g => g.BetterThanReference is null) ? Array.Empty<string>() : ["better than the reference"]],
        groups.Select(g => (IReadOnlyList<string>)
        [
            g.Name, g.Pairs.ToString(System.Globalization.CultureInfo.InvariantCulture), MarkdownTable.Number(g.Mean, 2),
            MarkdownTable.Number(g.Median, 2), MarkdownTable.Number(g.Worst, 2), Percent(g.WinRate),
            .. g.BetterThanReference is { } better ? [$"{better} of {g.Pairs}"] : Array.Empty<string>(),
        ]));

    /// <summary>"win rate 73 % over the 100 pairs, 71 % with each of the 15 video pairs counted once".</summary>
    public static string BalancedLine(EvaluationResult result) =>
        $"win rate {Percent(result.Model.WinRate)} over the {result.PerPair.Count} pairs, {Percent(result.BalancedWinRate)} " +
        $"with each of the {result.PerVideoPair.Count} video pairs counted once";

    /// <summary>
    /// Under `--strength auto`, how the pairs' strengths spread: "strength auto: mean 0.71; 21 of 100 pairs at the rule's
    /// low 0.25, 48 at 1"; null otherwise.
    /// </summary>
    public static string? StrengthLine(EvaluationResult result)
    {
        if (result.AdaptiveStrength is not { } rule || result.PerPair.Count == 0 || result.PerPair.Any(p => p.Strength is null)) return null;
        double[] strengths = [.. result.PerPair.Select(p => p.Strength!.Value)];
        int low = strengths.Count(s => s <= rule.Low + 1e-9), full = strengths.Count(s => s >= LayerStrength.Full - 1e-9);
        return $"strength auto: mean {MarkdownTable.Number(strengths.Average())}; {low} of {strengths.Length} pairs at the rule's low " +
               $"{MarkdownTable.Number(rule.Low, 2)}, {full} at 1";
    }

    /// <summary>"better than the reference on 61 of 100 pairs, worse on 37, level on 2; PSNRi difference mean ..., p = ...", or null without a reference.</summary>
    public static string? ComparisonLine(EvaluationResult result) => result.Comparison is not { } c ? null :
        $"against the reference: better on {c.Better} of {c.Pairs} pairs, worse on {c.Worse}, level on {c.Level}; " +
        $"PSNRi difference (model - reference) mean {Signed(c.MeanDifference)} dB, median {Signed(c.MedianDifference)} dB; " +
        $"two-sided sign test p = {MarkdownTable.Number(c.SignTestP, 3)}";

    private static string Signed(double value) => (value > 0 ? "+" : "") + MarkdownTable.Number(value, 2);

    /// <summary>A share as a whole percentage ("87 %"), "-" when not a number.</summary>
    public static string Percent(double share) => double.IsNaN(share) ? "-" : $"{MarkdownTable.Number(100 * share, 0)} %";

    public static string ToMarkdown(EvaluationResult result)
    {
        var text = new StringBuilder();
        text.AppendLine("# Evaluation (paper Table 1)").AppendLine();
        text.AppendLine(Table(result));
        text.AppendLine($"Model loss / identity loss: **{MarkdownTable.Number(result.RatioToIdentity)}** " +
                        "(paper: 0.187 / 0.361 = 0.518; below 1 = better than returning the mixture twice).").AppendLine();
        text.AppendLine("Loss: permutation-invariant loss (paper eq. 2 and 3, summed over the 2 layers, pixels in [-1, 1]). " +
                        "PSNR, SSIM: PIT-matched layers against the original clips, pixels in [0, 1]. PSNRi: PSNR minus the " +
                        "identity baseline's. Diversity: min over output pairs of l(O_i, O_j) (paper section 4.2). " +
                        "Paper numbers: Kinetics-600 validation, basic predictor, n = 2. Median and 10th percentile of the " +
                        "per-pair PSNRi interpolate linearly between sorted pairs; win rate: the share of pairs with PSNRi > 0 " +
                        "(the identity's PSNRi is 0 on every pair, so it never wins).").AppendLine();
        if (StrengthLine(result) is { } strengths) text.AppendLine($"The model's {strengths} (each pair's in the last table).").AppendLine();
        if (ComparisonLine(result) is { } comparison)
            text.AppendLine($"The model {comparison} (the sign test counts the pairs where the two differ; a small p: more pairs one way than " +
                            "chance would give).").AppendLine();
        if (result.PerPair.Count > 0)
        {
            text.AppendLine($"## By video pair ({result.PerVideoPair.Count}), worst median first").AppendLine();
            text.AppendLine("Pairs that blend the same two videos are not independent draws: how the model does depends mostly on which " +
                            "two videos were blended.").AppendLine();
            text.AppendLine(GroupTable("videos", result.PerVideoPair));
            text.AppendLine(BalancedLine(result) + ": the mean of the win rates above. The win rate of the first table weighs " +
                            "each video pair by how many of the pairs blend it.").AppendLine();
            text.AppendLine($"## By video ({result.PerVideo.Count}; a pair counts for both of its videos), worst median first").AppendLine();
            text.AppendLine(GroupTable("video", result.PerVideo));
            text.AppendLine($"## Every pair ({result.PerPair.Count})").AppendLine();
            text.AppendLine($"![model PSNRi per pair, sorted]({PairsChart})").AppendLine();
            text.AppendLine(PairTable(result));
        }
        if (result.Setup.Count > 0)
        {
            text.AppendLine("## Setup").AppendLine();
            foreach ((string name, string value) in result.Setup) text.AppendLine($"- {name}: {value}");
            text.AppendLine();
        }
        if (result.Skipped.Count > 0)
        {
            text.AppendLine($"## Skipped sources ({result.Skipped.Count})").AppendLine();
            foreach (var s in result.Skipped) text.AppendLine($"- `{s.Path}`: {s.Reason}");
        }
        return text.ToString();
    }

    public static byte[] RenderChart(EvaluationResult result)
    {
        var rows = Rows(result).ToList();
        return BarChart.Render($"Separation loss on {result.Pairs} held-out pairs (lower is better)", "permutation-invariant loss",
            rows.Select(r => r.Name).ToList(),
            [
                new BarSeries("measured", rows.Select(r => r.Row.Loss).ToList()),
                new BarSeries("paper (Kinetics)", rows.Select(r => Paper(r.Name)).ToList()),
            ]);
    }
}

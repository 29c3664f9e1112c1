using System.Text;
using Centrifuge.Evaluation.Reports;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>
/// OUT/results.md (setup, table, paper comparison), OUT/results.json (setup, models, measurements) and
/// OUT/chart.png of one experiment.
/// </summary>
public static class ExperimentReport
{
    public const string Markdown = "results.md", Json = "results.json", Chart = "chart.png";
    public static readonly string[] Files = [Markdown, Json, Chart];

    public static IReadOnlyList<string> Write(ExperimentResult result, ExperimentContext context, ReportFiles files, double elapsedSeconds)
    {
        ExperimentOptions o = context.Options;
        var setup = new
        {
            experiment = result.Name,
            title = result.Title,
            data = Path.GetFullPath(o.Data),
            preset = o.Preset,
            clip = context.Base.Data.Clip,   // [T, H, W]
            budget_minutes = o.BudgetMinutes,
            budget_per_model_seconds = Math.Round(context.BudgetPerModel.TotalSeconds, 1),
            max_iterations = o.MaxIterations,
            pairs = o.Pairs,
            seed = o.Seed,
            held_out_videos = context.HeldOut.Moving.Count,
            training_videos = context.TrainPool.Moving.Count,
            skipped_sources = context.Skipped.Count,
            elapsed_seconds = Math.Round(elapsedSeconds, 1),
            machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            models = context.Trained,
            measurements = result.Measurements,
            paper = result.Paper,
        };
        return
        [
            files.WriteText(Markdown, ToMarkdown(result, context, elapsedSeconds)),
            files.WriteText(Json, JsonDefaults.Serialize(setup) + "\n"),
            files.WriteBytes(Chart, BarChart.Render(result.Chart.Title, result.Chart.YLabel, result.Chart.Categories, result.Chart.Series)),
        ];
    }

    public static string ToMarkdown(ExperimentResult result, ExperimentContext context, double elapsedSeconds)
    {
        ExperimentOptions o = context.Options;
        var text = new StringBuilder();
        text.AppendLine($"# {result.Title}").AppendLine();
        text.AppendLine(MarkdownTable.Render(result.Table.Header, result.Table.Rows));
        text.AppendLine($"**Paper.** {result.Paper}").AppendLine();
        text.AppendLine("## Setup").AppendLine();
        if (o.CommandLine is { } command) text.AppendLine($"- command: `{command}`");
        bool trained = context.Trained.Any(t => !t.Name.EndsWith("(given)", StringComparison.Ordinal));
        // The training recipe only where something was trained: a given model brings its own.
        text.AppendLine($"- preset {o.Preset}, clip {context.Base.Data.Clip.Joined("x")}" +
                        (trained ? $", {context.Base.Optimizer} lr {context.Base.LearningRate}, batch {context.Base.Data.BatchSize}" : ""));
        text.AppendLine((trained ? $"- budget {o.BudgetMinutes} min of training, {context.BudgetPerModel.TotalSeconds:F0} s per model; " : "- no training (model given); ") +
                        $"whole run {elapsedSeconds / 60:F1} min on {Environment.ProcessorCount} CPU cores");
        text.AppendLine($"- videos: {context.TrainPool.Moving.Count} for training, {context.HeldOut.Moving.Count} held out ({context.Skipped.Count} sources skipped); " +
                        $"{o.Pairs} test pairs, seed {o.Seed}");
        foreach (TrainedVariantSummary t in context.Trained)
            text.AppendLine($"- model {t.Name}: {t.Iterations} iterations, {t.Seconds:F0} s, `{t.Checkpoint}`");
        return text.ToString();
    }
}

using ScottPlot;

namespace Centrifuge.Training;

/// <summary>
/// RUN_DIR/loss.png: the training loss (mean per log interval), the validation PIT loss and the identity baseline
/// against the iteration, and on the right axis the ratios to identity on blends of training videos and of validation
/// videos (the generalisation gap); redrawn after each validation (written to a temp file and renamed).
/// </summary>
public static class LossPlot
{
    public static void Write(string path, IReadOnlyList<TrainMetrics> train, IReadOnlyList<ValidationMetrics> validation,
        int width = 900, int height = 560)
    {
        var plot = new Plot();
        if (train.Count > 0)
        {
            var line = plot.Add.ScatterLine(train.Select(t => (double)t.Iteration).ToArray(), train.Select(t => t.Loss).ToArray());
            line.LegendText = "train loss";
        }
        if (validation.Count > 0)
        {
            double[] xs = validation.Select(v => (double)v.Iteration).ToArray();
            var val = plot.Add.Scatter(xs, validation.Select(v => v.Loss).ToArray());
            val.LegendText = "validation loss";
            val.MarkerSize = 6;
            var identity = plot.Add.Scatter(xs, validation.Select(v => v.IdentityLoss).ToArray());
            identity.LegendText = "identity baseline";
            identity.LinePattern = LinePattern.Dashed;
            identity.MarkerSize = 0;
            // The generalisation gap on the right axis: ratio to identity on blends of training vs validation videos.
            AddRatio(plot, validation, v => v.TrainingVideosRatio, "ratio, training videos (right)", LinePattern.Dotted);
            AddRatio(plot, validation, v => v.ValidationVideosRatio, "ratio, validation videos (right)", LinePattern.Solid);
        }
        plot.Title("Centrifuge training");
        plot.XLabel("iteration");
        plot.YLabel("permutation-invariant loss");
        plot.ShowLegend(Edge.Bottom);   // below the axes: inside, it hid the ratios near the top right
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(png));
    }

    private static void AddRatio(Plot plot, IReadOnlyList<ValidationMetrics> validation, Func<ValidationMetrics, double?> ratio,
        string legend, LinePattern pattern)
    {
        var points = validation.Where(v => ratio(v) is not null).ToList();
        if (points.Count == 0) return;
        var line = plot.Add.Scatter(points.Select(v => (double)v.Iteration).ToArray(), points.Select(v => ratio(v)!.Value).ToArray());
        line.LegendText = legend;
        line.LinePattern = pattern;
        line.MarkerSize = 5;
        line.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "PIT loss / identity loss";
    }
}

using ScottPlot;

namespace Centrifuge.Evaluation.Reports;

/// <summary>
/// Every pair's score as one bar, sorted from worst to best, green above 0 and red at or below it, with the zero line
/// and the median marked: how often a model helps, at a glance. PNG (ScottPlot); non-finite values draw no bar.
/// </summary>
public static class PairChart
{
    public static byte[] Render(string title, string yLabel, IReadOnlyList<double> values, int width = 900, int height = 450)
    {
        var plot = new Plot();
        double[] sorted = values.Where(double.IsFinite).OrderBy(v => v).ToArray();
        var bars = sorted.Select((v, i) => new Bar
        {
            Position = i + 1, Value = v, Size = 0.85,
            FillColor = v > 0 ? Color.FromHex("#55A868") : Color.FromHex("#C44E52"),
        }).ToList();
        plot.Add.Bars(bars);
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        if (sorted.Length > 0)
        {
            var median = plot.Add.HorizontalLine(Losses.PairDistribution.Percentile(sorted, 0.5), 1, Color.FromHex("#4C72B0"), LinePattern.Dashed);
            median.LegendText = "median";
            plot.ShowLegend(Alignment.UpperLeft);
        }
        plot.Title(title);
        plot.XLabel("pairs, worst to best");
        plot.YLabel(yLabel);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}

using ScottPlot;

namespace Centrifuge.Evaluation.Reports;

/// <summary>One series of a bar chart: a name (legend) and one value per category (NaN = no bar).</summary>
public sealed record BarSeries(string Name, IReadOnlyList<double> Values);

/// <summary>
/// Grouped bar charts as PNG (ScottPlot): categories along x, one bar per series in each group, the value printed
/// above each bar. Non-finite values draw no bar.
/// </summary>
public static class BarChart
{
    private static readonly Color[] Palette =
    [
        Color.FromHex("#4C72B0"), Color.FromHex("#DD8452"), Color.FromHex("#55A868"), Color.FromHex("#C44E52"),
        Color.FromHex("#8172B3"), Color.FromHex("#937860"), Color.FromHex("#DA8BC3"), Color.FromHex("#8C8C8C"),
    ];

    /// <summary>Renders the chart to PNG bytes.</summary>
    public static byte[] Render(string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series,
        int width = 900, int height = 500)
    {
        var plot = new Plot();
        int groups = categories.Count, count = Math.Max(1, series.Count);
        double barWidth = 0.8 / count;
        var bars = new List<Bar>();
        for (int s = 0; s < series.Count; s++)
            for (int g = 0; g < groups && g < series[s].Values.Count; g++)
            {
                double value = series[s].Values[g];
                if (!double.IsFinite(value)) continue;
                bars.Add(new Bar
                {
                    Position = g + (s - (count - 1) / 2.0) * barWidth,
                    Value = value,
                    Size = barWidth * 0.95,
                    FillColor = Palette[s % Palette.Length],
                    Label = value.ToString(Math.Abs(value) >= 100 ? "F0" : Math.Abs(value) >= 10 ? "F1" : "F3", System.Globalization.CultureInfo.InvariantCulture),
                });
            }
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        if (series.Count > 1)
        {
            for (int s = 0; s < series.Count; s++)
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = Palette[s % Palette.Length] });
            plot.ShowLegend(Alignment.UpperRight);
        }
        double[] positions = Enumerable.Range(0, groups).Select(g => (double)g).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, categories.ToArray());
        // Head room above the bars for the legend and the value labels.
        plot.Axes.Margins(bottom: 0, top: series.Count > 1 ? 0.35 : 0.15);
        plot.Title(title);
        plot.YLabel(yLabel);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }
}

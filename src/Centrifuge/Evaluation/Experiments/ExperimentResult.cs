using Centrifuge.Evaluation.Reports;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>The Markdown table of an experiment: a header and rows of formatted cells.</summary>
public sealed record ExperimentTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>The bar chart of an experiment: categories along x, one bar per series.</summary>
public sealed record ExperimentChart(string Title, string YLabel, IReadOnlyList<string> Categories, IReadOnlyList<BarSeries> Series);

/// <summary>
/// What a protocol measured: the table (with the paper's numbers beside ours), the chart, a note on the paper's
/// result and how to read ours, and the raw measurements for results.json.
/// </summary>
public sealed record ExperimentResult(string Name, string Title, ExperimentTable Table, ExperimentChart Chart, string Paper, object Measurements);

using System.Globalization;
using System.Text;

namespace Centrifuge.Evaluation.Reports;

/// <summary>A GitHub-flavoured Markdown table: a header row and rows of cells (numbers formatted by <see cref="Number"/>).</summary>
public static class MarkdownTable
{
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", header.Select(Escape)).AppendLine(" |");
        text.Append('|').AppendJoin("|", header.Select(_ => "---")).AppendLine("|");
        foreach (IReadOnlyList<string> row in rows)
            text.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        return text.ToString();
    }

    /// <summary>Three decimals by default; "inf" for +infinity, "-" for NaN (not measured / not applicable).</summary>
    public static string Number(double value, int decimals = 3) =>
        double.IsNaN(value) ? "-"
        : double.IsPositiveInfinity(value) ? "inf"
        : double.IsNegativeInfinity(value) ? "-inf"
        : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Escape(string cell) => cell.Replace("|", "\\|").Replace("\n", " ");
}

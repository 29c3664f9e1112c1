using Centrifuge.Evaluation.Reports;
using Centrifuge.Evaluation.Scoring;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>
/// Paper Table 2: the predictor with n = 2, 4, 8 output layers and the predictor-corrector (one correction step)
/// with n = 2, 4, each trained for the same share of the budget, scored by the PIT loss on the same held-out pairs.
/// </summary>
public sealed class LayersExperiment : IExperimentProtocol
{
    private static readonly (int Layers, int Corrections, double Paper)[] Variants =
        [(2, 0, 0.187), (4, 0, 0.159), (8, 0, 0.151), (2, 1, 0.172), (4, 1, 0.133)];

    public string Name => "layers";
    public string Summary => "Table 2: predictor with n = 2, 4, 8 output layers vs predictor-corrector with n = 2, 4";
    public int Models(ExperimentOptions options) => Variants.Length;

    public ExperimentResult Run(ExperimentContext context)
    {
        var pairs = context.TestPairs();
        var loss = new Dictionary<(int, int), double>();
        double identity = double.NaN;
        foreach (var (layers, corrections, _) in Variants)
        {
            var config = context.Base with { Model = context.Base.Model with { Layers = layers, CorrectionSteps = corrections } };
            using TrainedVariant variant = context.Train($"{(corrections == 0 ? "predictor" : "predictor-corrector")}-n{layers}", config);
            ScoreRow[] rows = context.Score(pairs, variant.Model);
            identity = rows[0].Loss;
            loss[(layers, corrections)] = rows[1].Loss;
        }
        int[] ns = [2, 4, 8];
        double Get(int n, int c) => loss.TryGetValue((n, c), out double v) ? v : double.NaN;
        double Paper(int n, int c) => Variants.Where(v => v.Layers == n && v.Corrections == c).Select(v => v.Paper).DefaultIfEmpty(double.NaN).First();
        var table = new ExperimentTable(
            ["output layers n", "predictor", "predictor-corrector", "paper predictor", "paper predictor-corrector"],
            ns.Select(n => (IReadOnlyList<string>)[n.ToString(), MarkdownTable.Number(Get(n, 0)), MarkdownTable.Number(Get(n, 1)),
                MarkdownTable.Number(Paper(n, 0)), MarkdownTable.Number(Paper(n, 1))])
              .Append(["identity baseline", MarkdownTable.Number(identity), "", "0.361", ""]).ToList());
        var chart = new ExperimentChart("Held-out PIT loss by number of output layers (lower is better)", "permutation-invariant loss",
            ns.Select(n => $"n = {n}").ToList(),
            [
                new BarSeries("predictor", ns.Select(n => Get(n, 0)).ToList()),
                new BarSeries("predictor-corrector", ns.Select(n => Get(n, 1)).ToList()),
                new BarSeries("paper predictor", ns.Select(n => Paper(n, 0)).ToList()),
                new BarSeries("paper predictor-corrector", ns.Select(n => Paper(n, 1)).ToList()),
            ]);
        return new ExperimentResult(Name, "Number of output layers and the predictor-corrector (paper Table 2)", table, chart,
            "Table 2 (Kinetics-600, 240k iterations each): predictor 0.187 / 0.159 / 0.151 for n = 2 / 4 / 8 (0.150 at 12), " +
            "predictor-corrector 0.172 / 0.133 for n = 2 / 4. More layers and the corrector both lower the loss.",
            new
            {
                identity,
                variants = Variants.Select(v => new { layers = v.Layers, correction_steps = v.Corrections, loss = Get(v.Layers, v.Corrections), paper = v.Paper }),
            });
    }
}

using Centrifuge.Evaluation.Reports;
using Centrifuge.Evaluation.Scoring;
using Centrifuge.Models;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>Paper Table 4: the predictor with encoders cut at Mixed_3c, Mixed_4f and Mixed_5c (7, 17, 21 conv layers).</summary>
public sealed class DepthExperiment : IExperimentProtocol
{
    private static readonly (I3dEndpoint Endpoint, int Depth, double Paper)[] Variants =
        [(I3dEndpoint.Mixed_3c, 7, 0.214), (I3dEndpoint.Mixed_4f, 17, 0.181), (I3dEndpoint.Mixed_5c, 21, 0.187)];

    public string Name => "depth";
    public string Summary => "Table 4: encoder endpoint Mixed_3c vs Mixed_4f vs Mixed_5c";
    public int Models(ExperimentOptions options) => Variants.Length;

    public ExperimentResult Run(ExperimentContext context)
    {
        var pairs = context.TestPairs();
        var loss = new double[Variants.Length];
        double identity = double.NaN;
        for (int i = 0; i < Variants.Length; i++)
        {
            var config = context.Base with { Model = context.Base.Model with { Endpoint = Variants[i].Endpoint, CorrectionSteps = 0 } };
            using TrainedVariant variant = context.Train(Variants[i].Endpoint.ToString(), config);
            ScoreRow[] rows = context.Score(pairs, variant.Model);
            identity = rows[0].Loss;
            loss[i] = rows[1].Loss;
        }
        var table = new ExperimentTable(["encoder endpoint", "depth", "loss", "paper loss"],
            Variants.Select((v, i) => (IReadOnlyList<string>)[v.Endpoint.ToString(), v.Depth.ToString(), MarkdownTable.Number(loss[i]), MarkdownTable.Number(v.Paper)])
                .Append(["identity baseline", "", MarkdownTable.Number(identity), "0.361"]).ToList());
        var chart = new ExperimentChart("Held-out PIT loss by encoder depth (lower is better)", "permutation-invariant loss",
            Variants.Select(v => v.Endpoint.ToString()).ToList(),
            [new BarSeries("measured", loss), new BarSeries("paper", Variants.Select(v => v.Paper).ToList())]);
        return new ExperimentResult(Name, "Encoder depth (paper Table 4)", table, chart,
            "Table 4: Mixed_3c 0.214, Mixed_4f 0.181, Mixed_5c 0.187 — the two deeper encoders are clearly better.",
            new { identity, variants = Variants.Select((v, i) => new { endpoint = v.Endpoint.ToString(), depth = v.Depth, loss = loss[i], paper = v.Paper }) });
    }
}

using Centrifuge.Evaluation.Reports;
using Centrifuge.Evaluation.Scoring;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>
/// Beyond the paper: blends of k = 3 videos (each weighted 1/3). Two models with n = 3 outputs, one trained on
/// 2-video blends and one on 3-video blends, both tested on held-out 2- and 3-video blends against the identity.
/// </summary>
public sealed class KLayersExperiment : IExperimentProtocol
{
    private static readonly int[] Ks = [2, 3];

    public string Name => "k-layers";
    public string Summary => "Beyond the paper: blends of 3 videos (models trained on k = 2 and k = 3, tested on both)";
    public int Models(ExperimentOptions options) => Ks.Length;

    public ExperimentResult Run(ExperimentContext context)
    {
        int n = Math.Max(3, context.Base.Model.Layers);
        var sets = Ks.Select(k => context.TestPairs(context.Base.Data with { Layers = k })).ToList();
        var scores = new ScoreRow[Ks.Length, Ks.Length];
        var identity = new ScoreRow[Ks.Length];
        for (int i = 0; i < Ks.Length; i++)
        {
            var config = context.Base with
            {
                Model = context.Base.Model with { Layers = n }, Data = context.Base.Data with { Layers = Ks[i] },
            };
            using TrainedVariant variant = context.Train($"trained-k{Ks[i]}-n{n}", config);
            for (int j = 0; j < Ks.Length; j++)
            {
                ScoreRow[] scored = context.Score(sets[j], variant.Model);
                identity[j] = scored[0];
                scores[i, j] = scored[1];
            }
        }
        var header = new List<string> { "model \\ test" };
        header.AddRange(Ks.Select(k => $"loss, {k}-blends"));
        header.AddRange(Ks.Select(k => $"PSNRi (dB), {k}-blends"));
        var rows = Enumerable.Range(0, Ks.Length).Select(i => (IReadOnlyList<string>)new[] { $"trained on {Ks[i]}-blends, n = {n}" }
                .Concat(Enumerable.Range(0, Ks.Length).Select(j => MarkdownTable.Number(scores[i, j].Loss)))
                .Concat(Enumerable.Range(0, Ks.Length).Select(j => MarkdownTable.Number(scores[i, j].Psnri, 2))).ToList())
            .Append(new[] { "identity baseline" }.Concat(identity.Select(r => MarkdownTable.Number(r.Loss))).Concat(identity.Select(_ => "0.00")).ToList())
            .ToList();
        var chart = new ExperimentChart("Held-out PIT loss on 2- and 3-video blends (lower is better; summed over k layers)", "permutation-invariant loss",
            Ks.Select(k => $"{k}-blends").ToList(),
            Enumerable.Range(0, Ks.Length).Select(i => new BarSeries($"trained k = {Ks[i]}", Enumerable.Range(0, Ks.Length).Select(j => scores[i, j].Loss).ToList()))
                .Append(new BarSeries("identity", identity.Select(r => r.Loss).ToList())).ToList());
        return new ExperimentResult(Name, "Blends of three videos (beyond the paper)", new ExperimentTable(header, rows), chart,
            "Not in the paper (it blends two videos only). The loss sums over the k target layers, so 3-blend losses are not " +
            "comparable with 2-blend ones; compare each with its identity baseline.",
            new
            {
                outputs = n,
                tests = Ks.Select(k => $"{k}-blends"),
                identity,
                trained = Ks.Select((k, i) => new { blended = k, scores = Enumerable.Range(0, Ks.Length).Select(j => scores[i, j]) }),
            });
    }
}

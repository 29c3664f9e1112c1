using Centrifuge.Data;
using Centrifuge.Evaluation.Reports;
using Centrifuge.Evaluation.Scoring;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>
/// Paper Fig. 4 (colour constancy): a model trained on ordinary pairs, tested on held-out clips blended with each
/// of the 8 pure colours (never seen in training), against its loss on ordinary pairs.
/// </summary>
public sealed class ColorsExperiment : IExperimentProtocol
{
    public string Name => "colors";
    public string Summary => "Fig. 4: a trained model on clips blended with each of 8 pure colours vs on real pairs";
    public int Models(ExperimentOptions options) => options.Model is null ? 1 : 0;

    public ExperimentResult Run(ExperimentContext context)
    {
        using TrainedVariant model = context.TrainedOrGiven("normal");
        ScoreRow[] reference = context.Score(context.TestPairs(), model.Model);
        var colours = PureColours.All.Select(c => c.Name).ToList();
        var scores = new List<ScoreRow[]>();
        foreach (string colour in colours)
            scores.Add(context.Score(context.TestPairs(recipe: BlendRecipe.Evaluation with { Kinds = [LayerKind.Moving, LayerKind.Colour], Colour = colour }), model.Model));
        var rows = new List<IReadOnlyList<string>> { (IReadOnlyList<string>)["real pairs (reference)", MarkdownTable.Number(reference[1].Loss), MarkdownTable.Number(reference[1].Psnr, 2), MarkdownTable.Number(reference[0].Loss)] };
        rows.AddRange(colours.Select((c, i) => (IReadOnlyList<string>)[c, MarkdownTable.Number(scores[i][1].Loss), MarkdownTable.Number(scores[i][1].Psnr, 2), MarkdownTable.Number(scores[i][0].Loss)]));
        var chart = new ExperimentChart("Held-out PIT loss: clip + pure colour vs real pairs (lower is better)", "permutation-invariant loss",
            colours.Prepend("real pairs").ToList(),
            [
                new BarSeries("model", scores.Select(s => s[1].Loss).Prepend(reference[1].Loss).ToList()),
                new BarSeries("identity", scores.Select(s => s[0].Loss).Prepend(reference[0].Loss).ToList()),
            ]);
        return new ExperimentResult(Name, "Colour constancy: clips blended with pure colours (paper Fig. 4)",
            new ExperimentTable(["second layer", "model loss", "model PSNR (dB)", "identity loss"], rows), chart,
            "Fig. 4 (bars, no numbers in the text; predictor-corrector n = 4): most colours are easier than real pairs (0.133); " +
            "black and white are easiest, magenta and green hardest.",
            new
            {
                reference = new { model = reference[1], identity = reference[0] },
                colours = colours.Select((c, i) => new { colour = c, model = scores[i][1], identity = scores[i][0] }),
            });
    }
}

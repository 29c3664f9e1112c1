using System.CommandLine;
using Centrifuge.Data;
using Centrifuge.Evaluation.Reports;
using Centrifuge.Evaluation.Scoring;
using Centrifuge.Models;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge evaluate`: the paper's Table 1 (identity, untrained, model) on N held-out blended pairs.</summary>
public static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var model = CommonOptions.Model();
        var data = new Option<string>("--data") { Description = "Videos the model never saw: a folder, list, Kinetics CSV or manifest", Required = true };
        var pairs = new Option<int>("--pairs") { Description = "Number of blended pairs N", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "Seed of the pairs (same seed, same pairs)", DefaultValueFactory = _ => 1 };
        var placement = new Option<ClipPlacement>("--placement")
        {
            Description = "Where each pair's clips are cut: spread = start and crop place drawn per pair from the seed (N distinct views); " +
                          "centred = each video's middle clip and centre crop (the trainer's validation; at most one view per pair of videos)",
            DefaultValueFactory = _ => ClipPlacement.Spread,
        };
        var clip = new Option<string?>("--clip") { Description = "Clip size T,H,W (default: the clip the model was trained at, else the run's config.json next to the checkpoint, else 32,112,112)" };
        var precision = CommonOptions.Precision();
        var device = CommonOptions.Device();
        var batch = new Option<int>("--batch-size") { Description = "Pairs per forward pass", DefaultValueFactory = _ => 4 };
        var threads = CommonOptions.Threads();
        var cache = new Option<string?>("--cache") { Description = "Clip cache folder for the videos (kept and reused); default: a temporary one" };
        var json = CommonOptions.Json();
        var report = new Option<string?>("--report") { Description = "Write report.md, report.json and scores.png into this folder" };
        var force = new Option<bool>("--force") { Description = "Replace an existing report" };
        var against = new Option<string?>("--against")
        {
            Description = "Also score this checkpoint (e.g. the shipped model) on the same pairs, and count the pairs where the model is better or worse than it (sign test)",
        };
        var strength = CommonOptions.Strength("the --against model is scored at it too; without it, each model at its own");
        var command = new Command("evaluate", "Score a model on N deterministic blended pairs against the identity and untrained baselines (paper Table 1)");
        foreach (Option o in new Option[] { model, data, pairs, seed, placement, clip, precision, device, batch, threads, cache, json, report, force, against, strength }) command.Options.Add(o);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            if (parse.GetValue(report) is { } target) EvaluationReport.Check(target, parse.GetValue(force));
            // --strength scores both models at it; without it, each at the strength its file records (else 1).
            string checkpoint = CommonOptions.ModelOrShipped(parse, model);
            StrengthSetting modelStrength = CommonOptions.StrengthOf(parse, strength, checkpoint);
            StrengthSetting? referenceStrength = parse.GetValue(against) is { } reference ? CommonOptions.StrengthOf(parse, strength, reference) : null;
            var options = new EvaluationOptions
            {
                Pairs = parse.GetValue(pairs), Seed = parse.GetValue(seed), Placement = parse.GetValue(placement),
                Clip = parse.GetValue(clip) is { } c ? ClipSize.Parse(c) : null,
                Compute = CommonOptions.Compute(parse, threads, device, precision), BatchSize = parse.GetValue(batch), Cache = parse.GetValue(cache),
                Reference = parse.GetValue(against), Strength = modelStrength.Fixed, AdaptiveStrength = modelStrength.Adaptive,
                ReferenceStrength = referenceStrength ?? StrengthSetting.Full,
            };
            // stdout is the table or the JSON: no progress lines; a wait for another process preparing the cache on stderr.
            var progress = new ProgressReporter(context, ProgressMode.None) { NotePrefix = "centrifuge: evaluate: ", NotesToError = true };
            EvaluationResult result = Evaluator.Run(checkpoint, parse.GetValue(data)!, options, VideoSourceDecoder.Instance, progress);
            foreach (SkippedSource s in result.Skipped) context.Error.WriteLine($"centrifuge: evaluate: skipped {s.Path}: {s.Reason}");
            if (parse.GetValue(report) is { } folder)
                foreach (string path in EvaluationReport.Write(result, folder, parse.GetValue(force)))
                    context.Error.WriteLine($"centrifuge: evaluate: wrote {path}");
            if (parse.GetValue(json)) context.Output.WriteLine(JsonDefaults.Serialize(result));
            else
            {
                context.Output.Write(EvaluationReport.Table(result));
                string at = modelStrength == StrengthSetting.Full ? "" : $" (model at strength {modelStrength})";
                context.Output.WriteLine($"model loss / identity loss = {MarkdownTable.Number(result.RatioToIdentity)} on {result.Pairs} pairs{at}");
                if (result.PerPair.Count > 0) context.Output.WriteLine($"model {EvaluationReport.BalancedLine(result)}");
                if (EvaluationReport.StrengthLine(result) is { } strengths) context.Output.WriteLine($"model {strengths}");
                if (EvaluationReport.ComparisonLine(result) is { } comparison) context.Output.WriteLine($"model {comparison}");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}

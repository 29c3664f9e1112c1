using System.CommandLine;
using Centrifuge.Evaluation.Experiments;
using Centrifuge.Evaluation.Reports;
using Centrifuge.Models;
using Centrifuge.Data;
using Centrifuge.Runtime;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge experiment NAME`: one of the paper's experiments at CPU scale, with a table, a chart and JSON.</summary>
public static class ExperimentCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name")
        {
            Description = "The protocol: " + string.Join("; ", ExperimentCatalog.All.Select(e => $"{e.Name} ({e.Summary})")),
        };
        name.AcceptOnlyFromAmong([.. ExperimentCatalog.Names]);
        var data = new Option<string>("--data") { Description = "Videos (a folder, list, Kinetics CSV or manifest), split by source video into training and held-out", Required = true };
        var output = new Option<string>("--out") { Description = "Folder for results.md, results.json, chart.png and runs/", Required = true };
        var budget = new Option<double>("--budget-minutes") { Description = "Training time of the whole protocol, split across its models", DefaultValueFactory = _ => 30 };
        var preset = new Option<string>("--preset") { Description = "Training preset: tiny, cpu-small, paper", DefaultValueFactory = _ => "cpu-small" };
        var seed = new Option<int>("--seed") { Description = "Seed of weights, batches and test pairs", DefaultValueFactory = _ => 1 };
        var pairs = new Option<int>("--pairs") { Description = "Held-out pairs per test", DefaultValueFactory = _ => 50 };
        var maxIterations = new Option<long?>("--max-iterations") { Description = "Stop each training after this many iterations (smoke runs)" };
        var clip = new Option<string?>("--clip") { Description = "Clip size T,H,W (default: the preset's)" };
        var model = CommonOptions.Model(absent: "train one; colors, same-class and downstream test a given model instead");
        var cache = new Option<string?>("--cache") { Description = "Clip cache folder (built or refreshed here; share it between experiments on the same data). Default: OUT/cache" };
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var force = new Option<bool>("--force") { Description = "Replace the results and runs of a previous experiment in --out" };
        var command = new Command("experiment", "Run one of the paper's experiments within a training budget and write a table, a chart and JSON");
        command.Arguments.Add(name);
        foreach (Option o in new Option[] { data, output, budget, preset, seed, pairs, maxIterations, clip, model, cache, threads, device, force }) command.Options.Add(o);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            KernelGuard.Workload = KernelWorkload.Training;   // experiments train; chosen before libtorch loads
            TorchRuntime.EnsureLoaded();
            var options = new ExperimentOptions
            {
                Data = parse.GetValue(data)!, Out = parse.GetValue(output)!, BudgetMinutes = parse.GetValue(budget),
                Preset = parse.GetValue(preset)!, Seed = parse.GetValue(seed), Pairs = parse.GetValue(pairs),
                MaxIterations = parse.GetValue(maxIterations),
                Clip = parse.GetValue(clip) is { } c ? ClipSize.Parse(c) : null,
                Model = parse.GetValue(model), Cache = parse.GetValue(cache), Compute = CommonOptions.Compute(parse, threads, device),
                Force = parse.GetValue(force),
            };
            options = options with { CommandLine = CommandLine(parse.GetValue(name)!, options) };
            // Its notes and each model's training as plain lines on stderr: stdout is the table.
            (ExperimentResult result, IReadOnlyList<string> files) = new ProgressReporter(context, ProgressMode.StandardError)
                .Run(events => ExperimentCatalog.Run(parse.GetValue(name)!, options, VideoSourceDecoder.Instance, events));
            context.Output.WriteLine($"# {result.Title}");
            context.Output.WriteLine();
            context.Output.Write(MarkdownTable.Render(result.Table.Header, result.Table.Rows));
            foreach (string path in files) context.Error.WriteLine($"centrifuge: experiment: wrote {path}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    // The command that repeats this run, defaults spelled out (results.md shows it).
    private static string CommandLine(string name, ExperimentOptions o) =>
        $"centrifuge experiment {name} --data {o.Data} --out {o.Out} --budget-minutes {o.BudgetMinutes} --preset {o.Preset} --seed {o.Seed} --pairs {o.Pairs}" +
        (o.MaxIterations is { } m ? $" --max-iterations {m}" : "") + (o.Model is { } model ? $" --model {model}" : "") +
        (o.Clip is { } c ? $" --clip {c}" : "") + (o.Cache is { } cache ? $" --cache {cache}" : "");
}

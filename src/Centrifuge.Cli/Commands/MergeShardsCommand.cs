using System.CommandLine;
using Centrifuge.Inference.Batch;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge merge-shards`: which inputs of a sharded batch are done, skipped, failed or pending (Inference.ShardMergeReport).</summary>
public static class MergeShardsCommand
{
    public static Command Create(CliContext context)
    {
        var outDir = new Argument<string>("OUTDIR") { Description = "The output folder the shards wrote into (reads OUTDIR/_shards/*.json)" };
        var json = CommonOptions.Json("the whole report, every input,");
        var command = new Command("merge-shards",
            "Report a sharded `separate` batch: inputs done, skipped, failed and pending, shards missing or unfinished; exit 0 only when complete");
        command.Arguments.Add(outDir);
        command.Options.Add(json);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            ShardMergeReport report = ShardMergeReport.Merge(parse.GetValue(outDir)!);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonDefaults.Serialize(report));
            }
            else
            {
                context.Output.WriteLine(
                    $"{report.Shards - report.Missing.Length} of {report.Shards} shard records, {report.Shards - report.Missing.Length - report.Unfinished.Length} finished; " +
                    $"{report.Inputs.Count} inputs: {report.Done} done, {report.Skipped} skipped (already complete), {report.Failed} failed, {report.Pending} pending");
                if (report.Missing.Length > 0) context.Output.WriteLine($"no record from shard(s) {string.Join(", ", report.Missing)}: not started, or still starting");
                if (report.Unfinished.Length > 0) context.Output.WriteLine($"unfinished shard(s) {string.Join(", ", report.Unfinished)}: running, or stopped (re-run them with --skip-existing)");
                foreach (MergedInput failed in report.Inputs.Where(i => i.Status == ShardInputStatus.Failed))
                    context.Output.WriteLine($"failed (shard {failed.Shard}): {failed.Error}");
                foreach (string problem in report.Problems) context.Output.WriteLine($"problem: {problem}");
            }
            return report.Complete ? ExitCodes.Ok : ExitCodes.PartialFailure;
        }));
        return command;
    }
}

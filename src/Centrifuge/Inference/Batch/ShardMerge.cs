using Centrifuge.Inference.Output;
using Centrifuge.Models;

namespace Centrifuge.Inference.Batch;

/// <summary>One input across all shard records: its status, which shard had it, and why it failed.</summary>
public sealed record MergedInput(string Input, string Output, ShardInputStatus Status, int Shard)
{
    public string? Error { get; init; }
}

/// <summary>
/// `centrifuge merge-shards OUTDIR`: every input of every shard record, and what stands between the batch and done:
/// shards with no record (never started, or their record lost), shards that did not finish (running, pre-empted,
/// killed), failed and pending inputs, and inconsistencies (records of different N or input lists, an input in two
/// shards, a finished output that is no longer complete on disk, finished outputs written at different strengths).
/// </summary>
public sealed record ShardMergeReport(int Shards, int[] Missing, int[] Unfinished, int Done, int Skipped, int Failed,
    int Pending, IReadOnlyList<string> Problems, IReadOnlyList<MergedInput> Inputs)
{
    /// <summary>Every shard finished and every input is done or was already complete.</summary>
    public bool Complete => Missing.Length == 0 && Unfinished.Length == 0 && Failed == 0 && Pending == 0 && Problems.Count == 0;

    public static ShardMergeReport Merge(string outputRoot)
    {
        string folder = Path.Combine(Path.GetFullPath(outputRoot), ShardRecord.FolderName);
        string[] paths = Directory.Exists(folder) ? Directory.GetFiles(folder, "*-of-*.json").Order(StringComparer.Ordinal).ToArray() : [];
        if (paths.Length == 0)
            throw new CentrifugeException($"{folder}: no shard records", ExitCodes.MissingInput)
                { Remedy = Remedy.SeparateShardsFirst, RemedyDetail = outputRoot };

        var records = paths.Select(ShardRecord.Read).ToList();
        var problems = new List<string>();
        int shards = records.GroupBy(r => r.Shards).OrderByDescending(g => g.Count()).First().Key;
        foreach (ShardRecordFile other in records.Where(r => r.Shards != shards))
            problems.Add($"shard record {other.Shard}-of-{other.Shards} belongs to a split into {other.Shards}, the others to {shards}");
        records = [.. records.Where(r => r.Shards == shards)];
        if (records.Select(r => r.ListDigest).Distinct().Count() > 1)
            problems.Add("the shards were cut from different input lists: " +
                         string.Join(", ", records.Select(r => $"shard {r.Shard}: {r.ListInputs} inputs, list {r.ListDigest}")));

        var inputs = new List<MergedInput>();
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        var strengths = new List<(StrengthSetting Strength, string Input, int Shard)>();
        foreach (ShardRecordFile record in records)
            foreach (ShardInputRecord entry in record.Inputs)
            {
                if (owner.TryGetValue(entry.Input, out int earlier))
                    problems.Add($"{entry.Input} is in shard {earlier} and shard {record.Shard}");
                owner[entry.Input] = record.Shard;
                ShardInputStatus status = entry.Status;
                if (status is ShardInputStatus.Done or ShardInputStatus.Skipped)
                {
                    FinishedOutputCheck check = FinishedOutput.Inspect(outputRoot, entry.Input);
                    if (check.State != OutputFolderState.Complete)
                        problems.Add($"{entry.Input}: recorded as {status.ToString().ToLowerInvariant()} but {check.Folder} is not complete now ({check.Reason})");
                    else if (check.WrittenAt is { } writtenAt)
                        strengths.Add((writtenAt, entry.Input, record.Shard));
                }
                inputs.Add(new MergedInput(entry.Input, entry.Output, status, record.Shard) { Error = entry.Error });
            }

        // One batch, one strength: shards run with another --strength (or a model whose default changed between runs)
        // would leave layers that are not comparable across the batch.
        var byStrength = strengths.GroupBy(s => s.Strength).OrderByDescending(g => g.Count()).ToList();
        if (byStrength.Count > 1)
            problems.Add("the outputs were written at different strengths: " + string.Join("; ", byStrength.Select(g =>
                $"{g.Key} ({g.Count()} input{(g.Count() == 1 ? "" : "s")} of shard{(g.Select(s => s.Shard).Distinct().Count() == 1 ? "" : "s")} " +
                $"{string.Join(", ", g.Select(s => s.Shard).Distinct().Order())}, e.g. {g.First().Input})")) +
                "; a re-run of the shards at one strength, skipping what is complete, redoes the others");

        int[] present = [.. records.Select(r => r.Shard).Distinct()];
        return new ShardMergeReport(shards,
            [.. Enumerable.Range(0, shards).Except(present)],
            [.. records.Where(r => r.Finished is null).Select(r => r.Shard).Order()],
            inputs.Count(i => i.Status == ShardInputStatus.Done),
            inputs.Count(i => i.Status == ShardInputStatus.Skipped),
            inputs.Count(i => i.Status == ShardInputStatus.Failed),
            inputs.Count(i => i.Status == ShardInputStatus.Pending),
            problems, inputs);
    }
}

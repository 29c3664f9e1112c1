using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Centrifuge.Inference.Output;

namespace Centrifuge.Inference.Batch;

/// <summary>Where one input of a shard stands.</summary>
public enum ShardInputStatus
{
    /// <summary>Not reached yet (the shard is still running, or was stopped before it).</summary>
    Pending,
    /// <summary>Separated by this run.</summary>
    Done,
    /// <summary>Not separated: its output folder already held a complete result (--skip-existing).</summary>
    Skipped,
    /// <summary>Reported and skipped: Error says why.</summary>
    Failed,
}

/// <summary>One input of a shard record. Output is the folder name under OUTDIR.</summary>
public sealed record ShardInputRecord(string Input, string Output, ShardInputStatus Status)
{
    public string? Error { get; init; }
    public int? ExitCode { get; init; }
    public double? Seconds { get; init; }
    public string? Note { get; init; }
}

/// <summary>
/// OUTDIR/_shards/K-of-N.json. ListInputs and ListDigest describe the whole input list the shard was cut from (the
/// digest is over the sorted absolute paths), so a merge can tell shards that ran on different lists. Finished is null
/// while the shard runs, and stays null if it was stopped (pre-empted, killed).
/// </summary>
public sealed record ShardRecordFile(int Shard, int Shards, int ListInputs, string ListDigest, string Host, int ProcessId,
    DateTimeOffset Started, DateTimeOffset? Finished, IReadOnlyList<ShardInputRecord> Inputs);

/// <summary>
/// The machine-readable record of one shard's run, rewritten (temporary name, then rename) after every input, so it
/// is readable at any moment and shows how far a stopped shard got. A re-run of the shard replaces it.
/// </summary>
public sealed class ShardRecord
{
    public const string FolderName = "_shards";

    private readonly string _path;
    private ShardRecordFile _file;

    private ShardRecord(string path, ShardRecordFile file)
    {
        _path = path;
        _file = file;
    }

    public string Path => _path;

    public static string PathOf(string outputRoot, ShardSpec shard) =>
        System.IO.Path.Combine(System.IO.Path.GetFullPath(outputRoot), FolderName, $"{shard.Index}-of-{shard.Count}.json");

    /// <summary>Writes the record with every owned input pending.</summary>
    /// <param name="list">the whole input list (every shard's)</param>
    /// <param name="owned">this shard's inputs, in the order they will run</param>
    public static ShardRecord Begin(string outputRoot, ShardSpec shard, IReadOnlyList<string> list, IReadOnlyList<string> owned)
    {
        var file = new ShardRecordFile(shard.Index, shard.Count, list.Count, Digest(list), Environment.MachineName,
            Environment.ProcessId, DateTimeOffset.UtcNow, null,
            [.. owned.Select(i => new ShardInputRecord(i, SeparationOutputFolder.NameOf(i), ShardInputStatus.Pending))]);
        var record = new ShardRecord(PathOf(outputRoot, shard), file);
        record.Save();
        return record;
    }

    /// <summary>Records how one input ended, and saves.</summary>
    public void Record(SeparationOutcome outcome)
    {
        var inputs = _file.Inputs.ToList();
        int i = inputs.FindIndex(r => r.Input == outcome.Input && r.Status == ShardInputStatus.Pending);
        if (i < 0) throw new InvalidOperationException($"{outcome.Input} is not a pending input of shard {_file.Shard}/{_file.Shards}");
        inputs[i] = inputs[i] with
        {
            Status = outcome.Skipped is not null ? ShardInputStatus.Skipped
                : outcome.Result is not null ? ShardInputStatus.Done : ShardInputStatus.Failed,
            Error = outcome.Error,
            ExitCode = outcome.ExitCode,
            Seconds = outcome.Result?.Summary.Seconds,
            Note = outcome.Skipped,
        };
        _file = _file with { Inputs = inputs };
        Save();
    }

    /// <summary>Marks the shard finished, and saves.</summary>
    public void Finish()
    {
        _file = _file with { Finished = DateTimeOffset.UtcNow };
        Save();
    }

    /// <summary>Reads a record, or a one-line error naming the file.</summary>
    public static ShardRecordFile Read(string path)
    {
        try
        {
            return JsonDefaults.Deserialize<ShardRecordFile>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new CentrifugeException($"{path}: not a readable shard record: {e.Message.Split('\n')[0]}", ExitCodes.InvalidInput, e);
        }
    }

    /// <summary>A short digest of an input list, the same for the same set of files in any order.</summary>
    public static string Digest(IEnumerable<string> inputs)
    {
        string joined = string.Join('\n', inputs.Select(System.IO.Path.GetFullPath).Order(StringComparer.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)))[..16];
    }

    private void Save()
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
            AtomicFile.Write(_path, s => s.Write(Encoding.UTF8.GetBytes(JsonDefaults.Serialize(_file) + "\n")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CentrifugeException($"{_path}: cannot write the shard record: {e.Message}", ExitCodes.WriteFailed, e);
        }
    }
}

namespace Centrifuge.Inference.Batch;

/// <summary>
/// The input list of a batch: the command line's paths, then an input list file's (`--inputs-from FILE`: one path per
/// line, relative paths taken from the current folder, blank lines and lines starting with '#' ignored), with repeats
/// of the same file dropped; and the part of it one shard owns.
/// </summary>
public static class SeparationInputs
{
    public static IReadOnlyList<string> Gather(IEnumerable<string> arguments, string? listFile)
    {
        IEnumerable<string> all = arguments;
        if (listFile is not null) all = all.Concat(ReadList(listFile));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. all.Where(input => seen.Add(FullPath(input)))];
    }

    /// <summary>
    /// The inputs <paramref name="shard"/> owns (<see cref="ShardSpec"/>), in ordinal order of their paths, so every
    /// run of the shard takes them in the same order whatever the order of the list.
    /// </summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<string> inputs, ShardSpec shard) =>
        [.. inputs.Where(shard.Owns).Order(StringComparer.Ordinal)];

    private static IEnumerable<string> ReadList(string listFile)
    {
        if (Directory.Exists(listFile))
            throw new OptionException("inputs_from", listFile, "is a folder, expected a text file with one video path per line", ExitCodes.NotAFile);
        if (!File.Exists(listFile))
            throw new OptionException("inputs_from", listFile, "no such input list", ExitCodes.MissingInput);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(listFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OptionException("inputs_from", listFile, $"cannot read it: {e.Message}", ExitCodes.InvalidInput, e);
        }
        return lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
    }

    private static string FullPath(string input)
    {
        try { return Path.GetFullPath(input); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return input; }
    }
}

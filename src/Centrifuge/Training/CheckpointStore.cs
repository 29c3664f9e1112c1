using System.Globalization;
using Centrifuge.Models;
using TorchSharp.Modules;

namespace Centrifuge.Training;

/// <summary>
/// The training checkpoints of a run: RUN_DIR/checkpoints/step-NNNNNNNNN.ckpt, the most recent
/// <see cref="Keep"/> kept. Resuming takes the newest checkpoint that loads and passes its checksum; a damaged one
/// (incomplete, or bytes changed on disk) is reported and skipped in favour of the one before, saying so.
/// </summary>
public sealed class CheckpointStore
{
    private const string Prefix = "step-";
    private const string Extension = ".ckpt";

    public string Folder { get; }
    public int Keep { get; }

    /// <summary>Opens a temp file for writing (tests substitute a full disk); null = a normal file.</summary>
    internal Func<string, Stream>? OpenTemp { get; set; }

    public CheckpointStore(string folder, int keep)
    {
        Folder = folder;
        Keep = keep;
    }

    public string PathFor(long iteration) =>
        Path.Combine(Folder, Prefix + iteration.ToString("D9", CultureInfo.InvariantCulture) + Extension);

    /// <summary>The complete checkpoint files, oldest first.</summary>
    public IReadOnlyList<(long Iteration, string Path)> List()
    {
        if (!Directory.Exists(Folder)) return [];
        var found = new List<(long, string)>();
        foreach (string path in Directory.EnumerateFiles(Folder, Prefix + "*" + Extension))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long iteration))
                found.Add((iteration, path));
        }
        return [.. found.OrderBy(f => f.Item1)];
    }

    /// <summary>Writes the checkpoint of <paramref name="state"/>'s iteration, then prunes all but the newest <see cref="Keep"/>.</summary>
    public string Save(CentrifugeModel model, OptimizerHelper optimizer, TrainingState state)
    {
        Directory.CreateDirectory(Folder);
        string path = PathFor(state.Iteration);
        try
        {
            TrainingCheckpoint.Save(path, model, optimizer, state, OpenTemp);
        }
        catch (CentrifugeException e) when (e.ExitCode == ExitCodes.WriteFailed && AtomicFile.IsDiskFull(e))
        {
            string kept = List().Where(c => c.Path != path).Select(c => c.Path).LastOrDefault() ?? "(none yet)";
            throw new CentrifugeException(
                $"{path}: no space left on device; the last good checkpoint {kept} is kept", ExitCodes.WriteFailed, e)
            { Remedy = Remedy.FreeSpaceThenResume };
        }
        var all = List();
        foreach ((long _, string old) in all.Take(Math.Max(0, all.Count - Keep)))
        {
            try { File.Delete(old); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return path;
    }

    /// <summary>
    /// Loads the newest checkpoint that is complete and matches the model into <paramref name="model"/> and
    /// <paramref name="optimizer"/>; damaged ones are reported as notes on <paramref name="events"/> and skipped.
    /// Null when there is no usable checkpoint.
    /// </summary>
    public (TrainingState State, string Path)? LoadLatest(CentrifugeModel model, OptimizerHelper optimizer, IRunEvents? events)
    {
        AtomicFile.RemoveStaleTemps(Folder);
        int skipped = 0;
        foreach ((long _, string path) in List().Reverse())
        {
            try
            {
                TrainingState state = TrainingCheckpoint.Load(path, model, optimizer);
                if (skipped > 0) events.Note($"falling back to {path} (iteration {state.Iteration}), the newest checkpoint that is intact");
                return (state, path);
            }
            catch (CentrifugeException e) when (e.ExitCode != ExitCodes.IncompatibleModel)
            {
                events.Note($"skipping {e.Message}");
                skipped++;
            }
        }
        return null;
    }
}

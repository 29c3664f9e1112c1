namespace Centrifuge.Training;

/// <summary>
/// The files of one training run. RUN_DIR holds config.json (the effective config), metrics.jsonl, loss.png,
/// best.ckpt (model only, for `separate` and `evaluate`), best.json (its validation scores) and checkpoints/.
/// A non-empty RUN_DIR is only reused with --resume (continue) or --force (start over).
/// </summary>
public sealed class RunFolder
{
    public string Path { get; }
    public string ConfigPath => File("config.json");
    public string MetricsPath => File("metrics.jsonl");
    public string PlotPath => File("loss.png");
    public string BestModelPath => File("best.ckpt");
    public string BestScoresPath => File("best.json");
    public string CheckpointsPath => File("checkpoints");

    // Everything a run writes; --force removes exactly these (never the rest of a folder the user pointed at).
    private IEnumerable<string> OwnFiles => [ConfigPath, MetricsPath, PlotPath, BestModelPath, BestScoresPath];

    private RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    private string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Opens RUN_DIR for a run: creates it if missing; an existing non-empty folder needs <paramref name="resume"/>
    /// (its files are kept) or <paramref name="force"/> (the previous run's files are deleted).
    /// </summary>
    public static RunFolder Open(string path, bool resume, bool force)
    {
        var folder = new RunFolder(path);
        if (System.IO.File.Exists(folder.Path))
            throw new CentrifugeException($"{folder.Path}: is a file, not a run folder", ExitCodes.InvalidInput);
        bool nonEmpty = Directory.Exists(folder.Path) && Directory.EnumerateFileSystemEntries(folder.Path).Any();
        if (nonEmpty && !resume && !force)
            throw new CentrifugeException(
                $"{folder.Path}: folder is not empty", ExitCodes.OutputExists) { Remedy = Remedy.ResumeOrStartOver };
        if (nonEmpty && force && !resume) folder.DeletePreviousRun();
        Directory.CreateDirectory(folder.Path);
        return folder;
    }

    /// <summary>The config a previous run stored here, or null when this folder has none.</summary>
    public TrainingConfig? ReadStoredConfig() =>
        System.IO.File.Exists(ConfigPath) ? TrainingConfig.Load(ConfigPath) : null;

    public void WriteConfig(TrainingConfig config) =>
        AtomicFile.Write(ConfigPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(JsonDefaults.Serialize(config) + "\n")));

    private void DeletePreviousRun()
    {
        foreach (string file in OwnFiles)
            if (System.IO.File.Exists(file)) System.IO.File.Delete(file);
        if (Directory.Exists(CheckpointsPath)) Directory.Delete(CheckpointsPath, recursive: true);
    }
}

namespace Centrifuge.Training;

/// <summary>
/// Composes the effective config of a training run (`centrifuge train`, and each model an experiment trains): the run's
/// stored config when resuming, else config files (in layers, later ones overriding earlier ones, on the preset when one
/// is named), else a preset; then the overrides (the command line's, or an experiment's recipe) on top.
/// </summary>
public static class TrainingSetup
{
    /// <summary>The config of a run in <paramref name="folder"/>: its stored config.json when <paramref name="resume"/> finds one.</summary>
    public static TrainingConfig Compose(RunFolder folder, bool resume, string? preset, IReadOnlyList<string> configFiles,
        TrainingOverrides overrides, IRunEvents? events = null) =>
        Compose(resume ? folder.ReadStoredConfig() : null, folder.ConfigPath, preset, configFiles, overrides, events);

    /// <summary>The config of a fresh run: config files and/or a preset, then <paramref name="overrides"/>.</summary>
    public static TrainingConfig Compose(string? preset, IReadOnlyList<string> configFiles, TrainingOverrides overrides, IRunEvents? events = null) =>
        Compose(null, null, preset, configFiles, overrides, events);

    private static TrainingConfig Compose(TrainingConfig? stored, string? storedPath, string? preset, IReadOnlyList<string> configFiles,
        TrainingOverrides overrides, IRunEvents? events)
    {
        TrainingConfig baseConfig;
        if (stored is not null)
        {
            if (preset is not null || configFiles.Count > 0)
                events.Note($"resuming with {storedPath}: its config stands; a preset or config file given now is ignored (single settings still apply)");
            baseConfig = stored;
        }
        else if (configFiles.Count > 0)
        {
            // --preset X --config patch.json: the patch changes what it names of the preset (a config that names
            // another preset itself is refused).
            baseConfig = TrainingConfig.Load(configFiles, preset);
            if (preset is not null) events.Note($"config: {string.Join(" + ", configFiles)} on preset {preset}");
        }
        else if (preset is not null) baseConfig = TrainingPresets.Get(preset);
        else throw new CentrifugeException("train: no training config", ExitCodes.Usage)
            { Remedy = Remedy.NamePresetOrConfig, RemedyDetail = string.Join(", ", TrainingPresets.Names) };

        TrainingConfig config = overrides.ApplyTo(baseConfig);
        if (config.Data.Sources.Count == 0)
            throw new CentrifugeException("train: no training data", ExitCodes.Usage)
                { Remedy = Remedy.NameTrainingData, RemedyDetail = TrainingConfig.SyntheticShapes };
        return config.Validate();
    }
}

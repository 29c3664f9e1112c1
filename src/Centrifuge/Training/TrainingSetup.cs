namespace Centrifuge.Training;

/// <summary>
/// Composes the effective config of a `centrifuge train` invocation: the run's stored config when resuming,
/// else config files (in layers, later ones overriding earlier ones, on the preset when one is named), else a preset; then the command line's overrides on top.
/// </summary>
public static class TrainingSetup
{
    public static TrainingConfig Compose(RunFolder folder, bool resume, string? preset, IReadOnlyList<string> configFiles,
        TrainingOverrides overrides, Action<string>? note = null)
    {
        TrainingConfig? stored = resume ? folder.ReadStoredConfig() : null;
        TrainingConfig baseConfig;
        if (stored is not null)
        {
            if (preset is not null || configFiles.Count > 0)
                note?.Invoke($"resuming with {folder.ConfigPath}; --preset/--config are ignored (flags still apply)");
            baseConfig = stored;
        }
        else if (configFiles.Count > 0)
        {
            // --preset X --config patch.json: the patch changes what it names of the preset (a config that names
            // another preset itself is refused).
            baseConfig = TrainingConfig.Load(configFiles, preset);
            if (preset is not null) note?.Invoke($"config: {string.Join(" + ", configFiles)} on preset {preset}");
        }
        else if (preset is not null) baseConfig = TrainingPresets.Get(preset);
        else throw new CentrifugeException($"train: give --preset ({string.Join(", ", TrainingPresets.Names)}) or --config FILE", ExitCodes.Usage);

        TrainingConfig config = overrides.ApplyTo(baseConfig);
        if (config.Data.Sources.Count == 0)
            throw new CentrifugeException($"train: --data is required (a folder of videos, a list, a Kinetics CSV, or {TrainingConfig.SyntheticShapes})",
                ExitCodes.Usage);
        return config.Validate();
    }
}

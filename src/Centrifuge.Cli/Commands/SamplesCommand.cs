using System.CommandLine;
using Centrifuge.Models;
using Centrifuge.Data;
using Centrifuge.Runtime;
using Centrifuge.Training;

namespace Centrifuge.Cli.Commands;

/// <summary>`centrifuge samples`: a PNG of the training samples a config draws (mixture and layers, three frames each).</summary>
public static class SamplesCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string[]>("--data") { Description = "Training videos and photos (as for train; default: the config's)" };
        var preset = new Option<string?>("--preset") { Description = $"Training preset: {string.Join(", ", TrainingPresets.Names)}" };
        var config = new Option<string[]>("--config") { Description = "A training config JSON; repeat to layer patches (a later file overrides what it names)" };
        var output = new Option<string>("--out", "-o") { Description = "The PNG to write", Required = true };
        var count = new Option<int>("--count") { Description = "Samples (rows)", DefaultValueFactory = _ => 8 };
        var step = new Option<long>("--step") { Description = "Which training step's samples to show", DefaultValueFactory = _ => 0 };
        var clip = new Option<string?>("--clip") { Description = "Clip size T,H,W, e.g. 16,64,64" };
        var composite = new Option<double?>("--composite") { Description = "Share of layers that are composited moving-object pseudo-videos, 0-1" };
        var procedural = new Option<double?>("--procedural") { Description = "Share of layers that are procedural pseudo-videos (textures and leaves drawn from no source), 0-1" };
        var objects = new Option<int?>("--objects") { Description = "Most cut-outs per composited clip" };
        var reflection = new Option<double?>("--reflection") { Description = "Share of samples mixed as a reflection, 0-1" };
        var photo = new Option<double?>("--photo") { Description = "Share of layers that are camera-motion photo pseudo-videos, 0-1" };
        var seed = new Option<int?>("--seed") { Description = "Data seed" };
        var force = new Option<bool>("--force") { Description = "Replace an existing PNG" };
        var command = new Command("samples", "Draw training samples of a config as a PNG: each row a mixture and its layers at the first, middle and last frame");
        foreach (Option o in new Option[] { data, preset, config, output, count, step, clip, composite, procedural, objects, photo, reflection, seed, force }) command.Options.Add(o);
        command.SetAction(parse => context.Execute(parse, () =>
        {
            string path = parse.GetValue(output)!;
            if (File.Exists(path) && !parse.GetValue(force))
                throw new CentrifugeException($"{path}: exists (use --force to replace it)", ExitCodes.OutputExists);
            if (parse.GetValue(count) is < 1 or > 64) throw new CentrifugeException("--count must be in 1..64", ExitCodes.Usage);
            TorchRuntime.EnsureLoaded();
            string[] configFiles = parse.GetValue(config) ?? [];
            string? presetName = parse.GetValue(preset) ?? (configFiles.Length == 0 ? "cpu-small" : null);
            TrainingConfig baseConfig = configFiles.Length > 0 ? TrainingConfig.Load(configFiles, presetName) : TrainingPresets.Get(presetName!);
            string[]? sources = parse.GetValue(data);
            string? clipText = parse.GetValue(clip);
            TrainingConfig effective = new TrainingOverrides
            {
                Sources = sources is { Length: > 0 } ? sources.Select(Path.GetFullPath).ToArray() : null,
                Clip = clipText is null ? null : ClipSize.Parse(clipText),
                CompositeProbability = parse.GetValue(composite),
                ProceduralProbability = parse.GetValue(procedural),
                MaxObjects = parse.GetValue(objects),
                PhotoProbability = parse.GetValue(photo),
                ReflectionProbability = parse.GetValue(reflection),
                Seed = parse.GetValue(seed),
            }.ApplyTo(baseConfig);
            if (effective.Data.Sources.Count == 0) throw new CentrifugeException("samples: --data is required (the config names no sources)", ExitCodes.Usage);
            effective.Data.Validate();
            SampleSheet.Write(effective.Data, parse.GetValue(count), parse.GetValue(step), path);
            context.Output.WriteLine($"wrote {path}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}

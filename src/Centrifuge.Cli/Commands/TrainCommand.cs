using System.CommandLine;
using Centrifuge.Runtime;
using Centrifuge.Models;
using Centrifuge.Training;

namespace Centrifuge.Cli.Commands;

/// <summary>
/// `centrifuge train`: trains a model into a run folder; resumable; Ctrl-C / SIGTERM save a checkpoint and exit 130 / 143,
/// so `train &amp;&amp; evaluate` does not carry on with an unfinished model.
/// </summary>
public static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string[]>("--data") { Description = $"Training videos: a folder, a list of paths, a Kinetics CSV, or {TrainingConfig.SyntheticShapes} (repeatable)", AllowMultipleArgumentsPerToken = false };
        var cache = new Option<string?>("--cache") { Description = "Decoded-clip cache folder: built or topped up before the first step, reused by later runs (default: the user's shared cache, ~/.cache/centrifuge/clips, or $XDG_CACHE_HOME/centrifuge/clips)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Decode clips from the video files at every step instead of caching them (slow)" };
        var preset = new Option<string?>("--preset") { Description = $"Training preset: {string.Join(", ", TrainingPresets.Names)} (model and recipe)" };
        var outDir = new Option<string>("--out") { Description = "Run folder (config.json, checkpoints/, best.ckpt, metrics.jsonl, loss.png)", Required = true };
        var config = new Option<string[]>("--config") { Description = "A training config JSON; repeat to layer patches (a later file overrides what it names), on --preset when given (a config naming its own \"preset\" takes no other); a file's \"base\" comes first; flags override them" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint (starts fresh if it has none)" };
        var force = new Option<bool>("--force") { Description = "Start over in a non-empty --out, deleting the previous run's files" };
        var iterations = new Option<long?>("--iterations") { Description = "Total training steps (the schedule's milestones scale with it)" };
        var init = new Option<string?>("--init") { Description = "Start from the weights of a model checkpoint (e.g. models/centrifuge-cpu-small.ckpt) or of a run's training checkpoint (RUN/checkpoints/step-N.ckpt) instead of a random initialisation; same architecture, or a predictor-only model for a predictor-corrector (its correctors start fresh); fresh optimizer" };
        var batch = new Option<int?>("--batch") { Description = "Clips per batch" };
        var clip = new Option<string?>("--clip") { Description = "Clip size T,H,W, e.g. 16,64,64" };
        var layers = new Option<int?>("--layers") { Description = "n, the number of output layers" };
        var lr = new Option<double?>("--lr") { Description = "Base learning rate" };
        var optimizer = new Option<string?>("--optimizer") { Description = "sgd (the paper: momentum 0.99) or adam" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam");
        var valEvery = new Option<int?>("--val-every") { Description = "Validate every N steps" };
        var ckptEvery = new Option<int?>("--checkpoint-every") { Description = "Write a checkpoint every N steps" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the weights and the data (a run is reproducible)" };
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device(absent: "the config's, cpu");
        var composite = new Option<double?>("--composite") { Description = "Share of layers that are composited moving-object pseudo-videos (a panning photo with cut-outs of other photos on their own paths), 0-1" };
        var procedural = new Option<double?>("--procedural") { Description = "Share of layers that are procedural pseudo-videos (textures and occluding leaves on their own paths, drawn from no source), 0-1" };
        var objects = new Option<int?>("--objects") { Description = "Most cut-outs per composited clip (at least 1)" };
        var consistency = new Option<bool?>("--mixture-consistency") { Description = "Project the two output layers so they average exactly to the input (n = 2)" };
        var reflection = new Option<double?>("--reflection") { Description = "Share of training samples mixed as a reflection (a blurred layer of varying strength over a tinted one) instead of the uniform blend, 0-1" };
        var photo = new Option<double?>("--photo") { Description = "Share of layers that are camera-motion photo pseudo-videos, 0-1" };
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Stop after this much training time (validating and checkpointing at the end): compare variants at equal wall time" };
        var maxCpuMinutes = new Option<double?>("--max-cpu-minutes") { Description = "Stop after this much CPU time of the training process: an equal-time budget that other processes cannot eat into (use with --threads 1)" };

        var encoder = new Option<string?>("--encoder") { Description = "i3d (the paper's 3D encoder) or frame2d (per-frame 2D stages with residual temporal convolutions)" };
        encoder.AcceptOnlyFromAmong("i3d", "frame2d");
        var precision = CommonOptions.Precision(absent: "the config's, fp32", note: "bf16 computes under libtorch's CPU autocast, with fp32 weights and optimizer");

        var command = new Command("train", "Train a Centrifuge model on blended video pairs (resumable; Ctrl-C saves a checkpoint and exits 130, SIGTERM 143)");
        foreach (Option o in new Option[] { data, cache, noCache, preset, outDir, config, resume, force, iterations, init, batch, clip, layers, lr,
                     optimizer, valEvery, ckptEvery, seed, threads, device, composite, procedural, objects, photo, reflection, maxMinutes, maxCpuMinutes, consistency, encoder, precision })
            command.Options.Add(o);

        command.SetAction(parse => context.Execute(parse, () =>
        {
            string[]? sources = parse.GetValue(data);
            string? clipText = parse.GetValue(clip);
            var overrides = new TrainingOverrides
            {
                Sources = sources is { Length: > 0 } ? sources.Select(s => s == TrainingConfig.SyntheticShapes ? s : Path.GetFullPath(s)).ToArray() : null,
                Cache = parse.GetValue(cache) is { } c ? Path.GetFullPath(c) : null,
                NoCache = parse.GetValue(noCache),
                Iterations = parse.GetValue(iterations),
                InitialWeights = parse.GetValue(init) is { } w ? Path.GetFullPath(w) : null,
                BatchSize = parse.GetValue(batch),
                Clip = clipText is null ? null : ClipSize.Parse(clipText),
                Layers = parse.GetValue(layers),
                LearningRate = parse.GetValue(lr),
                Optimizer = parse.GetValue(optimizer) switch { "sgd" => OptimizerKind.Sgd, "adam" => OptimizerKind.Adam, _ => null },
                ValidationEvery = parse.GetValue(valEvery),
                CheckpointEvery = parse.GetValue(ckptEvery),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device),
                CompositeProbability = parse.GetValue(composite),
                ProceduralProbability = parse.GetValue(procedural),
                MaxObjects = parse.GetValue(objects),
                PhotoProbability = parse.GetValue(photo),
                ReflectionProbability = parse.GetValue(reflection),
                MaxMinutes = parse.GetValue(maxMinutes),
                MaxCpuMinutes = parse.GetValue(maxCpuMinutes),
                MixtureConsistency = parse.GetValue(consistency),
                Encoder = parse.GetValue(encoder) switch { "i3d" => EncoderKind.I3d, "frame2d" => EncoderKind.Frame2d, _ => null },
                Precision = CommonOptions.PrecisionOf(parse, precision),
            };
            bool resuming = parse.GetValue(resume);
            var progress = new ProgressReporter(context);
            // Refused before the run folder exists when this CPU's kernels are wrong (a config's bf16 is caught by the Trainer).
            KernelGuard.Workload = KernelWorkload.Training;
            KernelGuard.RequireTraining(overrides.Precision == Precision.Bf16, parse.GetValue(device) ?? "cpu");
            RunFolder folder = RunFolder.Open(parse.GetValue(outDir)!, resuming, parse.GetValue(force));
            TrainingConfig effective = TrainingSetup.Compose(folder, resuming, parse.GetValue(preset), parse.GetValue(config) ?? [], overrides, progress);

            // First signal: finish the current step (or abandon the current validation), checkpoint, exit 130 / 143. A second
            // one quits at once with StoppedUnsaved, which does not claim a checkpoint of the last step.
            using var stop = new StopSignals(
                first: signal => progress.Note($"{signal}: finishing the current step, then saving a checkpoint (send again to quit at once)"),
                second: signal =>
                {
                    context.Error.WriteLine($"centrifuge: train: second {signal}: quitting without saving; the newest checkpoint may be older than the last step");
                    context.Error.Flush();
                    Environment.Exit(ExitCodes.StoppedUnsaved);
                });
            TrainingOutcome outcome = progress.Run(events => Trainer.Run(effective, folder, resuming, events: events, cancel: stop.Token));
            stop.Settle();   // once Trainer.Run has returned, what it saved is saved: a signal changes nothing
            string best = outcome.BestValidationLoss is { } b ? $"; best validation loss {b:F4} at {outcome.BestIteration} in {folder.BestModelPath}" : "";
            progress.Line(outcome.Reason == TrainingStopReason.Completed
                ? $"done: {outcome.Iteration} iterations{best}; curves in {folder.PlotPath}"
                : $"stopped at iteration {outcome.Iteration}; checkpoint {outcome.Checkpoint}{best}");
            if (outcome.Reason == TrainingStopReason.Interrupted) return stop.ExitCode;
            return outcome.FramesLost.Any ? ExitCodes.CompletedWithLosses : ExitCodes.Ok;
        }));
        return command;
    }
}

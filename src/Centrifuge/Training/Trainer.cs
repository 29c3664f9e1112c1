using Centrifuge.Data;
using System.Diagnostics;
using Centrifuge.Losses;
using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Training;

/// <summary>
/// Trains a <see cref="CentrifugeModel"/> as the paper does (section 4.1) and survives interruptions: each step draws
/// batch i (a pure function of seed and i), computes the loss, and steps the optimizer at the schedule's rate; it
/// validates every N steps (keeping best.ckpt), checkpoints every M steps, ends a time budget (max_minutes,
/// max_cpu_minutes) with a validation and a checkpoint, stops cleanly with a checkpoint when the token fires (Ctrl-C,
/// SIGTERM), skips non-finite steps and, after several in a row, reloads the last good checkpoint at a lower rate. A
/// resumed run reproduces an uninterrupted one. The model, optimizer, loss, batches and schedule are the caller's
/// (<see cref="TrainingParts"/>); the config gives the loop's settings and the run folder's config.json. It reports on the
/// run's one channel (<see cref="IRunEvents"/>): notes, <see cref="TrainingStart"/>, a <see cref="TrainingProgress"/> per step
/// and a <see cref="TrainingValidated"/> per validation.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly TrainingConfig _config;
    private readonly RunFolder _folder;
    private readonly ITrainingBatches _batches;
    private readonly IRunEvents? _events;
    private readonly Device _device;
    private readonly CentrifugeModel _model;
    private readonly OptimizerHelper _optimizer;
    private readonly TrainingObjective _loss;
    private readonly CheckpointStore _store;
    private readonly MetricsLog _metrics;
    private readonly LearningRateSchedule _schedule;
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _buffers, _bufferBackup;
    private TrainingState _state;
    private ValidationResult? _lastValidation;
    private string? _lastCheckpoint;
    private readonly Stopwatch _session = new();
    private double _secondsBefore, _cpuBefore;
    private TimeSpan _cpuAtStart;

    /// <summary>
    /// Runs (or, with <paramref name="resume"/>, continues) the run in <paramref name="folder"/> to
    /// <see cref="TrainingConfig.Iterations"/> with the parts <see cref="TrainingParts.FromConfig"/> builds from
    /// <paramref name="config"/> (what `train` does). <paramref name="batches"/> defaults to the config's data; opening them
    /// (a clip cache to fill) reports on <paramref name="events"/> too.
    /// </summary>
    public static TrainingOutcome Run(TrainingConfig config, RunFolder folder, bool resume, ITrainingBatches? batches = null,
        IRunEvents? events = null, CancellationToken cancel = default)
    {
        using TrainingParts parts = TrainingParts.FromConfig(config, batches, events);
        using var trainer = new Trainer(config, folder, parts, resume, events);
        return trainer.Train(cancel);
    }

    /// <summary>Releases the trainer's copy of the batch-norm buffers; the parts stay the caller's.</summary>
    public void Dispose()
    {
        foreach (Tensor backup in _bufferBackup) backup.Dispose();
    }

    /// <summary>
    /// A trainer of <paramref name="parts"/> in <paramref name="folder"/>: with <paramref name="resume"/>, the folder's
    /// last checkpoint is loaded into the parts' model and optimizer; else a fresh run starts from the model as given (or
    /// from <see cref="TrainingConfig.InitialWeights"/>). The model must be of <see cref="TrainingConfig.Model"/> (the
    /// run's config.json and checkpoints say so) and on <see cref="TrainingConfig.Device"/>. Call outside any dispose scope.
    /// </summary>
    public Trainer(TrainingConfig config, RunFolder folder, TrainingParts parts, bool resume = false, IRunEvents? events = null)
    {
        config.Validate();
        KernelGuard.RequireTraining(config.Precision == Precision.Bf16, config.Device);
        if (!parts.Model.Config.Equals(config.Model))
            throw new ArgumentException($"the model is not the config's ({ModelCheckpoint.DescribeDifferences(config.Model, parts.Model.Config)})", nameof(parts));
        (_config, _folder, _batches, _events) = (config, folder, parts.Batches, events);
        (_model, _optimizer, _loss, _schedule) = (parts.Model, parts.Optimizer, parts.Loss, parts.Schedule);
        _device = TorchRuntime.ResolveDevice(config.Device);
        TrainingConfig? stored = folder.ReadStoredConfig();
        if (resume && stored is not null && !stored.Model.Equals(config.Model))
            throw new CentrifugeException(
                $"{folder.ConfigPath}: the run was trained with another model ({ModelCheckpoint.DescribeDifferences(stored.Model, config.Model)})",
                ExitCodes.IncompatibleModel) { Remedy = Remedy.OtherRunFolderOrStartOver };

        _parameters = [.. _model.parameters()];
        _buffers = [.. _model.buffers()];
        _bufferBackup = [.. _buffers.Select(b => b.detach().clone())];
        _store = new CheckpointStore(folder.CheckpointsPath, config.KeepCheckpoints);
        _state = new TrainingState { Config = config };

        string? resumedFrom = null;
        if (resume && _store.LoadLatest(_model, _optimizer, events) is { } loaded)
        {
            _state = loaded.State with { Config = config };
            resumedFrom = _lastCheckpoint = loaded.Path;
            if (stored is not null) foreach (string change in ConfigDifferences.Describe(stored, config)) events.Note($"config changed on resume: {change}");
        }
        else if (resume && _store.List().Count is int damaged and > 0)
        {
            // Starting again at 0 would rewrite metrics.jsonl and the checkpoints of a run the user asked to continue.
            throw new CentrifugeException(
                $"{_store.Folder}: none of the {damaged} checkpoints can be loaded (all damaged, see above); nothing was changed",
                ExitCodes.InvalidInput) { Remedy = Remedy.RestoreCheckpointOrStartOver };
        }
        else if (config.InitialWeights is { } initial)
        {
            WeightsLoaded taken = TrainingCheckpoint.IsTrainingCheckpoint(initial)
                ? TrainingCheckpoint.LoadWeights(initial, _model) : ModelCheckpoint.LoadInitial(_model, initial);
            events.Note(taken == WeightsLoaded.PredictorOnly
                ? $"starting the predictor from the weights of {initial} (a predictor-only model); the corrector{(config.Model.CorrectionSteps > 1 ? "s start" : " starts")} freshly initialised, adding nothing at first (output convolution zeroed)"
                : $"starting from the weights of {initial}");
        }
        _state = WithBestFromDisk(_state);
        _secondsBefore = _state.TrainingSeconds;
        _cpuBefore = _state.CpuSeconds;
        _metrics = new MetricsLog(folder.MetricsPath);
        _metrics.Resume(_state.Iteration);
        folder.WriteConfig(config);
        if (_batches.NoValidation is { } why)
            events.Note($"no validation: {why}; {folder.BestModelPath} will hold the last checkpoint's weights, not the best");
        events.Send(new TrainingStart(_state.Iteration, config.Iterations, resumedFrom, _batches.Description,
            _parameters.Sum(p => p.numel()), config));
    }

    /// <summary>
    /// Trains to <see cref="TrainingConfig.Iterations"/>, to the end of the time budget, or until <paramref name="cancel"/>
    /// fires; the parts' model then holds the last step's weights (in train mode). Once per trainer.
    /// </summary>
    public TrainingOutcome Train(CancellationToken cancel = default)
    {
        if (_session.IsRunning) throw new InvalidOperationException("a trainer trains once");
        _session.Start();
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        if (_lastCheckpoint is null)
        {
            // A fresh run: a checkpoint of the initial weights, so there is always a good one to fall back to.
            SaveCheckpoint();
            if (_config.ValidateAtStart) Validate(cancel);
        }
        var meter = new ProgressMeter(Math.Max(10, _config.LogEvery));
        int nonFiniteInRow = 0, skippedInWindow = 0;
        double windowLoss = 0, windowReconstruction = 0, windowIdentity = 0;
        int windowSteps = 0;
        while (_state.Iteration < _config.Iterations && !cancel.IsCancellationRequested)
        {
            long started = Stopwatch.GetTimestamp();
            double rate = _schedule.At(_state.Iteration) * _state.LrScale;
            StepLoss step = Step(rate);
            double loss = step.Total;
            _state = _state with { Iteration = _state.Iteration + 1, LoaderPosition = _state.LoaderPosition + 1 };
            bool finite = double.IsFinite(loss);
            meter.Add(loss, Stopwatch.GetElapsedTime(started).TotalSeconds);
            long it = _state.Iteration;
            _events.Send(new TrainingProgress(it, _config.Iterations, loss, meter.RunningLoss, rate, meter.ItersPerSecond,
                meter.Eta(_config.Iterations - it), !finite));

            if (!finite)
            {
                skippedInWindow++;
                nonFiniteInRow++;
                _events.Note($"iteration {it}: loss is {loss}; step skipped ({nonFiniteInRow} in a row)");
                if (nonFiniteInRow >= _config.NonFiniteTolerance)
                {
                    ReloadAfterNonFinite(nonFiniteInRow);
                    nonFiniteInRow = 0;
                    continue;
                }
            }
            else
            {
                nonFiniteInRow = 0;
                windowLoss += loss;
                windowReconstruction += step.Reconstruction;
                windowIdentity += step.Identity;
                windowSteps++;
            }

            if (it % _config.LogEvery == 0 || it == _config.Iterations)
            {
                _metrics.Append(new TrainMetrics(it, windowSteps > 0 ? windowLoss / windowSteps : double.NaN, rate,
                    meter.ItersPerSecond, skippedInWindow, Math.Round(TotalSeconds, 3))
                {
                    CpuSeconds = Math.Round(CpuSeconds, 3),
                    IdentityLoss = windowSteps > 0 ? windowIdentity / windowSteps : null,
                    Ratio = windowSteps > 0 && windowIdentity > 0 ? windowReconstruction / windowIdentity : null,
                });
                (windowLoss, windowReconstruction, windowIdentity, windowSteps, skippedInWindow) = (0, 0, 0, 0, 0);
            }
            bool timeUp = TimeUp();
            if (it % _config.ValidationEvery == 0 || it == _config.Iterations || timeUp)
            {
                Validate(cancel);
                // A validation counts against the budget: if it spent the rest, this validated step is the last one
                // (instead of one more step and a second validation of nearly the same weights).
                timeUp = timeUp || TimeUp();
            }
            if (it % _config.CheckpointEvery == 0 || it == _config.Iterations || timeUp) SaveCheckpoint();
            if (timeUp)
            {
                _events.Note($"time budget reached at iteration {it} ({TotalSeconds / 60:F1} min, {CpuSeconds / 60:F1} CPU min)");
                return Finish(TrainingStopReason.Completed);
            }
        }
        return Finish(_state.Iteration < _config.Iterations ? TrainingStopReason.Interrupted : TrainingStopReason.Completed);
    }

    private TrainingOutcome Finish(TrainingStopReason reason)
    {
        bool interrupted = reason == TrainingStopReason.Interrupted;
        if (interrupted && !IsCheckpointed(_state.Iteration)) SaveCheckpoint();
        if (interrupted) _events.Send(new TrainingInterrupted(_state.Iteration, _lastCheckpoint));
        return new TrainingOutcome(reason, _state.Iteration, _lastCheckpoint, _state.BestValidationLoss, _state.BestIteration, _lastValidation)
        { FramesLost = _batches.FramesLost };
    }

    /// <summary>
    /// A step's objective (non-finite: nothing was updated), its permutation-invariant part, and that part for the identity
    /// (every output the mixture) on the same batch: their ratio says how well the model fits what it trains on.
    /// </summary>
    private readonly record struct StepLoss(double Total, double Reconstruction, double Identity);

    /// <summary>One optimizer step on batch number LoaderPosition.</summary>
    private StepLoss Step(double rate)
    {
        using var scope = NewDisposeScope();
        TrainingOptimizer.SetLearningRate(_optimizer, rate);
        using BlendedBatch batch = _batches.Training(_state.LoaderPosition);   // a loader's batch is in no scope
        Tensor mixture = batch.Mixture.to(_device);   // [B, 3, T, H, W]
        Tensor targets = batch.Targets.to(_device);   // [B, k, 3, T, H, W]
        Tensor weights = batch.Weights.to(_device);   // [B, k]
        _optimizer.zero_grad();
        CopyBuffers(_buffers, _bufferBackup);
        Tensor outputs = Forward(mixture);            // [B, n, 3, T, H, W] float32
        TrainingLossResult result = _loss(outputs, targets, mixture, weights);
        double loss = result.Total.item<float>();
        if (double.IsFinite(loss))
        {
            double reconstruction = result.Reconstruction.Loss.item<float>();
            double identity = IdentityLoss(targets, mixture);
            result.Total.backward();
            double norm = nn.utils.clip_grad_norm_(_parameters, _config.GradientClipNorm ?? double.PositiveInfinity);
            if (double.IsFinite(norm))
            {
                _optimizer.step();
                return new StepLoss(loss, reconstruction, identity);
            }
            loss = double.IsNaN(norm) ? double.NaN : double.PositiveInfinity;
        }
        // A skipped step leaves the model as it was: the forward pass already moved the batch-norm running
        // statistics (possibly to NaN), so they are put back.
        CopyBuffers(_bufferBackup, _buffers);
        return new StepLoss(loss, double.NaN, double.NaN);
    }

    /// <summary>The permutation-invariant loss of the identity (k copies of the mixture) on a training batch.</summary>
    private static double IdentityLoss(Tensor targets, Tensor mixture)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return PermutationInvariantLoss.Compute(mixture.unsqueeze(1).expand(targets.shape), targets).Loss.item<float>();
    }

    // bf16: the forward pass under CPU autocast, closed before backward; the loss is computed in fp32.
    private Tensor Forward(Tensor mixture)
    {
        if (_config.Precision == Precision.Fp32) return _model.forward(mixture);
        using (CpuAutocast.Bf16())
            return _model.forward(mixture).to(ScalarType.Float32);
    }

    private static void CopyBuffers(Tensor[] from, Tensor[] to)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < from.Length; i++) to[i].copy_(from[i]);
    }

    // A signal during a validation abandons it (a long one must not hold up the checkpoint a service manager waits for):
    // the interrupted run then saves the step it validated, as after any step.
    private void Validate(CancellationToken cancel)
    {
        if (_batches.NoValidation is not null) return;
        try
        {
            Validate(cancel, _state.Iteration);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            _events.Note($"validation at {_state.Iteration} abandoned: interrupted");
        }
    }

    private void Validate(CancellationToken cancel, long iteration)
    {
        _events.Note($"validating at {iteration}");
        ValidationResult result = Validator.Run(_model, _batches.Validation(), _device, iteration, cancel);
        if (_batches.RealVideoValidation(trainingVideos: true) is { } trainingVideos)
            result = result with { TrainingVideos = RealVideoScore.From(Validator.Run(_model, trainingVideos, _device, iteration, cancel)) };
        if (_batches.RealVideoValidation(trainingVideos: false) is { } validationVideos)
            result = result with { ValidationVideos = RealVideoScore.From(Validator.Run(_model, validationVideos, _device, iteration, cancel)) };
        double selection = result.SelectionLoss;
        bool best = BestCheckpointRule.IsBetter(_config.BestBy, selection, result.SelectionWinRate, _state.BestValidationLoss, _state.BestWinRate);
        if (best)
        {
            ModelCheckpoint.Save(_model, _folder.BestModelPath, _config.TrainedAt);
            AtomicFile.Write(_folder.BestScoresPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(JsonDefaults.Serialize(result) + "\n")));
            _state = _state with { BestValidationLoss = selection, BestIteration = result.Iteration, BestWinRate = result.SelectionWinRate };
        }
        _lastValidation = result;
        _metrics.Append(ValidationMetrics.From(result, best));
        LossPlot.Write(_folder.PlotPath, _metrics.Train, _metrics.Validation);
        _events.Send(new TrainingValidated(result, best));
    }

    private void SaveCheckpoint()
    {
        if (!WeightsFinite())
        {
            // Never let a poisoned model (NaN batch-norm statistics, say) replace the last good checkpoint.
            _events.Note($"iteration {_state.Iteration}: weights are not finite; not saving them");
            ReloadAfterNonFinite(0);
            return;
        }
        _state = _state with { TrainingSeconds = Math.Round(TotalSeconds, 3), CpuSeconds = Math.Round(CpuSeconds, 3) };
        _lastCheckpoint = _store.Save(_model, _optimizer, _state);
        if (_batches.NoValidation is not null) ModelCheckpoint.Save(_model, _folder.BestModelPath, _config.TrainedAt);   // nothing to choose by
    }

    private void ReloadAfterNonFinite(int inRow)
    {
        int reloads = _state.NonFiniteReloads + 1;
        if (reloads > _config.MaxNonFiniteReloads)
            throw new CentrifugeException(
                $"{_folder.Path}: training diverged: still non-finite after {reloads - 1} reloads at lower learning rates; " +
                KernelGuard.LikelyCause(), ExitCodes.Internal) { Remedy = Remedy.SteadierTraining };
        long from = _state.Iteration;
        double scale = _state.LrScale * _config.NonFiniteLrFactor;
        TrainingState current = _state;
        (TrainingState loaded, string path) = _store.LoadLatest(_model, _optimizer, _events)
            ?? throw new CentrifugeException($"{_store.Folder}: no checkpoint to reload after non-finite losses", ExitCodes.Internal);
        _state = loaded with
        {
            LrScale = scale, NonFiniteReloads = reloads, Config = _config,
            BestValidationLoss = current.BestValidationLoss, BestIteration = current.BestIteration, BestWinRate = current.BestWinRate,
        };
        _lastCheckpoint = path;
        _events.Note(
            (inRow > 0 ? $"iteration {from}: {inRow} non-finite losses in a row" : $"iteration {from}: non-finite weights") +
            $"; reloaded {Path.GetFileName(path)} (iteration {loaded.Iteration}) and lowered the learning rate x{_config.NonFiniteLrFactor} " +
            $"(now {_schedule.At(loaded.Iteration) * scale:G4})");
    }

    private bool WeightsFinite()
    {
        Dictionary<string, Tensor> tensors = _model.state_dict();   // the model's own tensors: outside the scope
        using var scope = NewDisposeScope();
        foreach ((string _, Tensor t) in tensors)
            if (t.is_floating_point() && !torch.isfinite(t).all().item<bool>()) return false;
        return true;
    }

    private bool IsCheckpointed(long iteration) => _lastCheckpoint == _store.PathFor(iteration) && File.Exists(_lastCheckpoint);

    private double TotalSeconds => _secondsBefore + _session.Elapsed.TotalSeconds;

    /// <summary>Whether the run's time budget (--max-minutes, --max-cpu-minutes) is spent.</summary>
    private bool TimeUp() => (_config.MaxMinutes is { } minutes && TotalSeconds >= minutes * 60) ||
                             (_config.MaxCpuMinutes is { } cpuMinutes && CpuSeconds >= cpuMinutes * 60);

    private double CpuSeconds => _cpuBefore + (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;

    // A kill between writing best.ckpt and the next checkpoint leaves best.json ahead of the checkpoint's state.
    private TrainingState WithBestFromDisk(TrainingState state)
    {
        if (!File.Exists(_folder.BestScoresPath) || !File.Exists(_folder.BestModelPath))
            return state with { BestValidationLoss = null, BestIteration = null, BestWinRate = null };
        try
        {
            var best = JsonDefaults.Deserialize<ValidationResult>(File.ReadAllText(_folder.BestScoresPath));
            // best.json on disk is best.ckpt's score: the state follows it unless the state is already at least as good.
            return state.BestValidationLoss is not null && !BestCheckpointRule.IsBetter(_config.BestBy, best.SelectionLoss,
                       best.SelectionWinRate, state.BestValidationLoss, state.BestWinRate) ? state
                : state with { BestValidationLoss = best.SelectionLoss, BestIteration = best.Iteration, BestWinRate = best.SelectionWinRate };
        }
        catch (System.Text.Json.JsonException)
        {
            return state;
        }
    }
}

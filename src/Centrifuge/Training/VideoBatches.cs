using Centrifuge.Data;

namespace Centrifuge.Training;

/// <summary>
/// Training batches from real videos through the Data stage: the sources are split by whole video, training batch
/// i comes from a <see cref="BlendLoader"/> (data.workers threads building up to data.queue_size batches ahead of the
/// step; batch i is a pure function of data.seed and i, so the threads change nothing but the waiting), and validation
/// is the fixed <see cref="ValidationSet"/>. The decoded-clip cache (data.cache,
/// else the user's shared one) is built or topped up first: each video is decoded once and reused by later runs. Only
/// data.cache_clips = false (train --no-cache) decodes clips from the files on every read.
/// </summary>
public sealed class VideoBatches : ITrainingBatches
{
    private readonly TrainingData _data;
    private readonly TrainingData _validationData;
    private readonly DataConfig _config;
    private readonly ValidationSet? _validation;
    private readonly ValidationSet? _trainingVideos, _validationVideos;
    private BlendLoader? _loader;

    private VideoBatches(TrainingData data, TrainingData validationData, DataConfig config, ValidationSet? validation, string? noValidation,
        ValidationSet? trainingVideos, ValidationSet? validationVideos)
    {
        (_data, _validationData, _config, _validation, NoValidation, _trainingVideos, _validationVideos) =
            (data, validationData, config, validation, noValidation, trainingVideos, validationVideos);
    }

    /// <summary>
    /// Opens the training data, and the validation sets at the training scale: with data.cache_short_side above the
    /// training short side, training clips come from a second cache at that side (beside the first: the user's cache
    /// for that side, or data.cache + "-short-side-N"), while every validation set reads the cache at the training
    /// scale, so its pairs are exactly those of runs without it.
    /// </summary>
    public static VideoBatches Open(TrainingConfig config, IRunEvents? events = null)
    {
        DataConfig data = config.Data;
        DataConfig atScale = data with { CacheShortSide = null };
        TrainingData opened = OpenAt(atScale, data.Cache ?? (data.CacheClips ? UserCache.ClipsFolder(data.ShortSide) : null), events);
        TrainingData training = opened;
        try
        {
            if (data.StoredShortSide > data.ShortSide)
            {
                int side = data.StoredShortSide;
                training = OpenAt(data, data.Cache is { } c ? $"{Path.TrimEndingDirectorySeparator(c)}-short-side-{side}" : data.CacheClips ? UserCache.ClipsFolder(side) : null, events);
            }
            data = data with { Cache = training.Store is ClipCache cache ? cache.Folder : null };
            foreach (SkippedSource s in training.Skipped.Take(5)) events.Note($"skipped {s.Path}: {s.Reason}");
            if (training.Skipped.Count > 5) events.Note($"skipped {training.Skipped.Count - 5} more sources");
            foreach (StoredVideo v in training.Damaged) events.Note($"damaged {v.Source.Id}: {v.Damage} (training on the frames that decoded)");
            // Too few training videos to blend two different ones: every blend would mix a video with itself (issue 30).
            if (ValidationSet.WhyNot(opened.Train, data.Layers) is { } cannot)
                throw new CentrifugeException(
                    $"{string.Join(", ", data.Sources)}: the training split has {cannot}, so every training blend would mix a video " +
                    "with itself; add videos or photos", ExitCodes.InvalidInput);
            // Too few videos to hold some out and still blend two different ones: train without validation, say so.
            string? noValidation = ValidationSet.WhyNot(opened.Validation, data.Layers) is { } why ? $"the validation split has {why}" : null;
            BlendRecipe validating = BlendRecipe.Evaluation with { Placement = config.ValidationPlacement };
            var validation = noValidation is null ? ValidationSet.Create(opened, atScale, config.ValidationPairs, config.ValidationSeed, validating) : null;
            ValidationSet? trainingVideos = noValidation is null ? ValidationSet.RealVideos(opened.Train, atScale, config.ValidationPairs, config.ValidationSeed, config.ValidationPlacement) : null;
            ValidationSet? validationVideos = noValidation is null ? ValidationSet.RealVideos(opened.Validation, atScale, config.ValidationPairs, config.ValidationSeed, config.ValidationPlacement) : null;
            if (noValidation is null && (trainingVideos is null || validationVideos is null))
                events.Note("fewer than two distinct real videos in a split: validation reports no training-vs-validation video gap");
            return new VideoBatches(training, opened, data, validation, noValidation, trainingVideos, validationVideos);
        }
        catch
        {
            if (!ReferenceEquals(training, opened)) training.Dispose();
            opened.Dispose();
            throw;
        }
    }

    // The data of `data`, its clips cached in `cache` (prepared first at data's stored short side) or, when null, decoded at every read.
    private static TrainingData OpenAt(DataConfig data, string? cache, IRunEvents? events)
    {
        if (cache is null)
        {
            events.Note("clips are not cached (data.cache_clips is false): they are decoded from the video files at every step");
            return TrainingData.Open(data);
        }
        PrepareCache(data, cache, events);   // without checksums (each clip's is checked when first read)
        return TrainingData.Open(data with { Cache = cache }, events);
    }

    // Decodes each video not cached yet (each source's PrepareProgress on the channel); another process preparing the same
    // folder is waited for.
    private static void PrepareCache(DataConfig data, string cache, IRunEvents? events)
    {
        SourceList sources = SourceCatalog.Discover(data);
        PrepareReport report = ClipCacheBuilder.Prepare(sources, cache,
            new PrepareOptions { ShortSide = data.StoredShortSide, VerifyChecksums = false }, VideoSourceDecoder.Instance, events);
        events.Note($"clip cache {report.Cache}: {report.Decoded} decoded, {report.Reused} reused, {report.Skipped} skipped ({report.Seconds:F1} s)");
    }

    public string Description =>
        $"{_data.Train.Count} training / {_validationData.Validation.Count} validation videos, {_config.Frames}x{_config.Height}x{_config.Width} clips" +
        (_config.StoredShortSide > _config.ShortSide ? $" (training clips cut from frames at short side {_config.StoredShortSide})" : "") + ", " +
        $"batch {_config.BatchSize}, {(_validation is null ? "no validation" : $"{_validation.Count} validation pairs")}" +
        (_trainingVideos is not null && _validationVideos is not null ? $" (+ {_trainingVideos.Count} + {_validationVideos.Count} real-video pairs of the training / validation videos)" : "");

    public string? NoValidation { get; }

    // Mixture [B, 3, T, H, W], Targets [B, k, 3, T, H, W], Weights [B, k]; tensors in the caller's dispose scope.
    // The loader reads ahead in order; a jump (the first step of a resumed run, a reload after a diverged step) starts
    // a new one at that batch. Its tensors belong to no dispose scope: the trainer disposes the batch.
    public BlendedBatch Training(long index)
    {
        if (_loader is null || _loader.Iteration != index)
        {
            _loader?.Dispose();
            _loader = new BlendLoader(_data.Train, _config, index);
        }
        return _loader.Next();
    }

    public IEnumerable<BlendedBatch> Validation() => BatchesOf(_validation);

    public IEnumerable<BlendedBatch>? RealVideoValidation(bool trainingVideos) =>
        (trainingVideos ? _trainingVideos : _validationVideos) is { } set ? BatchesOf(set) : null;

    private IEnumerable<BlendedBatch> BatchesOf(ValidationSet? set) => set?.Batches(_config.BatchSize) ?? [];

    public FrameLoss FramesLost => FrameLoss.Sum(_data.Damaged.Select(v => v.FramesLost));

    public void Dispose()
    {
        _loader?.Dispose();
        if (!ReferenceEquals(_data, _validationData)) _validationData.Dispose();
        _data.Dispose();
    }
}

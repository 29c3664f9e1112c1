using Centrifuge.Data;

namespace Centrifuge.Training;

/// <summary>
/// What the trainer draws from: a training stream in which batch i is a pure function of (seed, i) — so a run
/// resumes at any iteration exactly — and a fixed, deterministic validation set.
/// </summary>
public interface ITrainingBatches : IDisposable
{
    /// <summary>One line for the log: where the clips come from and how many.</summary>
    string Description { get; }

    /// <summary>Training batch number <paramref name="index"/> (0-based; batch i feeds step i); the caller disposes it.</summary>
    BlendedBatch Training(long index);

    /// <summary>The validation set, always the same pairs in the same order (no flips; clips placed by validation_placement).</summary>
    IEnumerable<BlendedBatch> Validation();

    /// <summary>Why there is no validation set (too few videos to blend two different ones), or null when there is one.</summary>
    string? NoValidation => null;

    /// <summary>Frames of damaged source videos that could not be decoded (the rest of each video is used).</summary>
    FrameLoss FramesLost => FrameLoss.None;

    /// <summary>
    /// Fixed blends of real videos only, for the generalisation gap: of the training videos
    /// (<paramref name="trainingVideos"/>) or of the validation videos. Null when the split has fewer than two
    /// distinct videos, or the batches have no real videos at all.
    /// </summary>
    IEnumerable<BlendedBatch>? RealVideoValidation(bool trainingVideos) => null;
}

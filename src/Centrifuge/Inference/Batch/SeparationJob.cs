namespace Centrifuge.Inference.Batch;

/// <summary>
/// What one `separate` run does: the inputs (already gathered and, for a shard, selected), where the outputs go, and
/// the options that decide what happens to existing outputs. <see cref="Blend"/>: also separate the blend
/// (1 - alpha) A + alpha B of two videos and score the layers against them.
/// </summary>
public sealed record SeparationJob(IReadOnlyList<string> Inputs, string OutputRoot)
{
    /// <summary>Every input given before the shard was selected (the shard record lists them); null = <see cref="Inputs"/>.</summary>
    public IReadOnlyList<string>? AllInputs { get; init; }
    /// <summary>Separate only this shard of the inputs and record it in OUTDIR/_shards/.</summary>
    public ShardSpec? Shard { get; init; }
    /// <summary>Skip inputs whose output folder holds a complete result, redo partial ones (<see cref="SeparationResume"/>).</summary>
    public bool SkipExisting { get; init; }
    public (string A, string B, double Alpha)? Blend { get; init; }
    /// <summary>Stops the run between two windows (a signal): the input being separated leaves nothing behind, and
    /// <see cref="SeparationBatch.Run"/> throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Stop { get; init; }
}

using Centrifuge.Inference.Separation;

namespace Centrifuge.Inference.Batch;

/// <summary>What a front end shows while a batch runs: one input's progress at a time, notes, and each outcome.</summary>
public interface ISeparationBatchObserver
{
    /// <summary>Runs <paramref name="separate"/> for <paramref name="input"/>, passing it a progress callback (or null).</summary>
    SeparationOutcome Track(string input, Func<Action<SeparationProgress>?, SeparationOutcome> separate);

    /// <summary>Why an input is redone or refused, before it runs.</summary>
    void Note(string message);

    /// <summary>After each input, success or not.</summary>
    void Finished(SeparationOutcome outcome);
}

using Centrifuge.Runtime;

namespace Centrifuge.Inference.Separation;

/// <summary>
/// The model returned NaN or infinite values for one window (frames [<see cref="Start"/>, <see cref="End"/>)): nothing
/// of the input's output is kept. <see cref="Separator"/> names the input and the likely cause (<see cref="KernelGuard"/>'s verdict).
/// </summary>
public sealed class NonFiniteLayersException(int index, int start, int end, long values)
    : CentrifugeException($"the model's layers are not finite ({values} NaN or infinite values) in window {index + 1} (frames {start}-{end - 1}); " +
                          KernelGuard.LikelyCause(), ExitCodes.NonFiniteOutput)
{
    public int Start { get; } = start;
    public int End { get; } = end;

    /// <summary>The same report, naming the input.</summary>
    public CentrifugeException For(string input) => new($"{input}: {Message}", ExitCodes.NonFiniteOutput, this);
}

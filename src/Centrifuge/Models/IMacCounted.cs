using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// A module whose multiply-adds follow from the shapes of one forward's input and output; <see cref="MacCounter"/>
/// adds them up from forward hooks, so forward itself counts nothing.
/// </summary>
public interface IMacCounted
{
    /// <summary>The multiply-adds of the module's own convolutions (not its sub-modules') in one forward.</summary>
    double Macs(Tensor input, Tensor output);
}

using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Centrifuge.Models;

/// <summary>
/// Counts the multiply-adds of the convolutions a module and its sub-modules run while the counter is open: a forward
/// hook on every <see cref="IMacCounted"/> module adds what that module's formula gives for the shapes it saw, so the
/// count follows any input size and config while forward itself counts nothing. Modules run their counted sub-modules
/// with <c>call</c> (which runs hooks), not <c>forward</c>.
/// </summary>
public sealed class MacCounter : IDisposable
{
    private readonly List<Action> _removals = [];

    public double Macs { get; private set; }

    /// <summary>Starts counting the forwards of <paramref name="module"/> and its sub-modules until disposed.</summary>
    public MacCounter(Module module)
    {
        foreach (Module m in module.modules().Prepend(module).Distinct())
        {
            if (m is not IMacCounted counted) continue;
            _removals.Add(m switch
            {
                Module<Tensor, Tensor> single => single.register_forward_hook((_, input, output) => Count(counted, input, output)).remove,
                Module<Tensor, Tensor[], Tensor> pair => pair.register_forward_hook((_, input, _, output) => Count(counted, input, output)).remove,
                _ => throw new NotSupportedException($"{m.GetType().Name}: no forward hook for its signature"),
            });
        }
    }

    private Tensor Count(IMacCounted module, Tensor input, Tensor output)
    {
        Macs += module.Macs(input, output);
        return output;
    }

    public void Dispose()
    {
        foreach (Action remove in _removals) remove();
        _removals.Clear();
    }
}

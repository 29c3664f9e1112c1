using static TorchSharp.torch;

namespace Centrifuge.Runtime;

/// <summary>
/// How a command that runs a model computes: device, precision and intra-op threads (--device, --precision,
/// --threads), parsed once by the CLI and carried to the library entry point that runs the model, which applies them
/// once (<see cref="Apply"/>) — the same thread count for libtorch and for an OnnxRuntime session
/// (<see cref="ResolvedThreads"/>). Training carries its own in its config.
/// </summary>
public sealed record ComputeOptions
{
    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";

    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>Intra-op threads; 0 (or less) = <see cref="TorchRuntime.DefaultThreads"/>.</summary>
    public int Threads { get; init; }

    /// <summary>The thread count both engines run with: <see cref="Threads"/> when positive, else the default.</summary>
    public int ResolvedThreads => TorchRuntime.ResolveThreads(Threads);

    /// <summary>
    /// Sets libtorch's threads (before any tensor work) and refuses a precision the kernel self-check found wrong on
    /// this CPU; returns the device to load the model onto.
    /// </summary>
    public Device Apply()
    {
        TorchRuntime.SetThreads(Threads);
        KernelGuard.RequireInference(Precision == Precision.Bf16, Device);
        return TorchRuntime.ResolveDevice(Device);
    }
}

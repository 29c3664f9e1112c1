using static TorchSharp.torch;

namespace Centrifuge.Runtime;

/// <summary>
/// How a command that runs a model computes: device, precision and intra-op threads (--device, --precision,
/// --threads), parsed once by the CLI and carried to the library entry point that runs the model, which applies them
/// once (<see cref="Apply"/>) — the same thread count for libtorch and for an OnnxRuntime session
/// (<see cref="ResolvedThreads"/>). A training run's are in its config (<c>TrainingConfig.Compute</c>) and applied here
/// too (<see cref="ApplyForTraining"/>): this record is the one place the process's thread count is set.
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
        ApplyThreads();
        KernelGuard.RequireInference(Precision == Precision.Bf16, Device);
        return TorchRuntime.ResolveDevice(Device);
    }

    /// <summary>Sets libtorch's intra-op threads only (a runtime that computes elsewhere still converts tensors in libtorch).</summary>
    public void ApplyThreads() => TorchRuntime.SetThreads(Threads);

    /// <summary>As <see cref="Apply"/>, for training: the kernel self-check's verdict must hold for gradients too.</summary>
    public Device ApplyForTraining()
    {
        ApplyThreads();
        KernelGuard.RequireTraining(Precision == Precision.Bf16, Device);
        return TorchRuntime.ResolveDevice(Device);
    }
}

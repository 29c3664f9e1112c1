using static TorchSharp.torch;

namespace Centrifuge.Runtime;

/// <summary>
/// A deliberately wrong kernel, for testing the self-check and the guard on any CPU: it corrupts the forward output
/// or the gradients of one op family (or every op, "*") in one precision (or both), for cases with at most
/// <see cref="MaxChannels"/> channels, and only under the kernel settings it names (all when none are named), the way
/// issue 27's Zen 5 kernels were wrong by default and right under a lower ISA.
/// Spelled <c>OP:forward|backward:fp32|bf16|*[:MAX_CHANNELS[:SETTING,SETTING…]]</c>, e.g. <c>conv3d:backward:fp32:8:default</c>;
/// the self-check's child process reads it from <see cref="EnvironmentVariable"/>.
/// </summary>
public sealed record KernelFault(string Op, bool Backward, string Precision, long MaxChannels, IReadOnlyList<string> Settings)
{
    public const string EnvironmentVariable = "CENTRIFUGE_KERNEL_FAULT";

    /// <summary>The kernel setting this process runs under (the fault is active only under the ones it names).</summary>
    public string ActiveSetting { get; init; } = KernelSetting.Default.Name;

    public static KernelFault Parse(string spec)
    {
        string[] parts = spec.Split(':');
        if (parts.Length < 3 || parts[1] is not ("forward" or "backward") || parts[2] is not (KernelCheck.Fp32 or KernelCheck.Bf16 or "*"))
            throw new CentrifugeException($"{EnvironmentVariable}='{spec}': expected OP:forward|backward:fp32|bf16|*[:MAX_CHANNELS[:SETTINGS]]",
                ExitCodes.Usage);
        long maxChannels = parts.Length > 3 && parts[3].Length > 0 ? long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture) : long.MaxValue;
        string[] settings = parts.Length > 4 ? parts[4].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
        return new KernelFault(parts[0], parts[1] == "backward", parts[2], maxChannels, settings);
    }

    public bool Applies(KernelCase kernelCase, string precision) =>
        (Op == "*" || Op == kernelCase.Op) && (Precision == "*" || Precision == precision) && kernelCase.SmallestChannels <= MaxChannels &&
        (Settings.Count == 0 || Settings.Contains(ActiveSetting));

    /// <summary>The op's output, wrong in its value (forward) or only in the gradient it sends to its first input (backward).</summary>
    public Tensor Corrupt(Tensor[] inputs, Tensor output)
    {
        if (!Backward) return output.Plus(output.detach().abs().max().Times(0.5));
        Tensor wrong = (inputs[0] * inputs[0]).sum().Times(0.5);
        return output.Plus(wrong - wrong.detach());
    }
}

namespace Centrifuge.Runtime;

/// <summary>
/// Turns libtorch's NNPACK convolutions off on a CPU NNPACK cannot initialise (AMD Zen 5: "Unsupported hardware").
/// libtorch still asks NNPACK before each eligible 2D convolution (oneDNN off, as the kernel guard sets for training),
/// and each ask that fails logs "Could not initialize NNPACK!" again: 32 lines for a 3-step tiny training, over 4,000
/// in a long verbose one. NNPACK computes nothing there either way, so switching it off changes no result.
/// </summary>
public static class NnpackSwitch
{
    /// <summary>Switches NNPACK off when it is unavailable; null when libtorch does not export what this needs.</summary>
    public static bool? DisableWhenUnavailable()
    {
        if (AtenContext.TryCall("_ZN2at6native17_nnpack_availableEv") is not { } available) return null;
        if (available) return false;
        return AtenContext.TrySet("_ZN2at7Context20setUserEnabledNNPACKEb", false) ? true : null;
    }
}

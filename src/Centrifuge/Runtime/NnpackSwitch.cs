using System.Runtime.InteropServices;

namespace Centrifuge.Runtime;

/// <summary>
/// Turns libtorch's NNPACK convolutions off on a CPU NNPACK cannot initialise (AMD Zen 5: "Unsupported hardware").
/// libtorch still asks NNPACK before each eligible 2D convolution (oneDNN off, as the kernel guard sets for training),
/// and each ask that fails logs "Could not initialize NNPACK!" again: 32 lines for a 3-step tiny training, over 4,000
/// in a long verbose one. NNPACK computes nothing there either way, so switching it off changes no result.
/// </summary>
public static class NnpackSwitch
{
    private const string Library = "libtorch_cpu.so";
    private const string Available = "_ZN2at6native17_nnpack_availableEv";
    private const string GlobalContext = "_ZN2at13globalContextEv";
    private const string SetEnabled = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private const string IsEnabled = "_ZNK2at7Context17userEnabledNNPACKEv";

    /// <summary>Switches NNPACK off when it is unavailable; null when libtorch does not export what this needs.</summary>
    public static bool? DisableWhenUnavailable()
    {
        if (Exports() is not { } e) return null;
        bool available = Call(e.Available);
        if (!available) SetUserEnabled(e, false);
        return !available;
    }

    /// <summary>Whether libtorch will ask NNPACK (the user switch); null when it cannot be read.</summary>
    public static bool? Enabled => Exports() is { } e ? UserEnabled(e) : null;

    private sealed record Symbols(IntPtr Available, IntPtr GlobalContext, IntPtr SetEnabled, IntPtr IsEnabled);

    private static Symbols? Exports()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(Library, out IntPtr library)) return null;
        return NativeLibrary.TryGetExport(library, Available, out IntPtr available) &&
               NativeLibrary.TryGetExport(library, GlobalContext, out IntPtr context) &&
               NativeLibrary.TryGetExport(library, SetEnabled, out IntPtr set) &&
               NativeLibrary.TryGetExport(library, IsEnabled, out IntPtr get)
            ? new Symbols(available, context, set, get) : null;
    }

    private static unsafe bool Call(IntPtr function) => ((delegate* unmanaged<byte>)function)() != 0;

    private static unsafe void SetUserEnabled(Symbols e, bool enabled)
    {
        IntPtr context = ((delegate* unmanaged<IntPtr>)e.GlobalContext)();
        ((delegate* unmanaged<IntPtr, byte, void>)e.SetEnabled)(context, enabled ? (byte)1 : (byte)0);
    }

    private static unsafe bool UserEnabled(Symbols e)
    {
        IntPtr context = ((delegate* unmanaged<IntPtr>)e.GlobalContext)();
        return ((delegate* unmanaged<IntPtr, byte>)e.IsEnabled)(context) != 0;
    }
}

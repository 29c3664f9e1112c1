using System.Runtime.InteropServices;

namespace Centrifuge.Runtime;

/// <summary>
/// libtorch's global switches (at::globalContext()), which TorchSharp does not expose, called through their exported
/// C++ symbols in libtorch_cpu (Linux only). Used for oneDNN (<see cref="KernelSetting"/>) and NNPACK (<see cref="NnpackSwitch"/>).
/// </summary>
internal static class AtenContext
{
    private const string Library = "libtorch_cpu.so", GlobalContext = "_ZN2at13globalContextEv";

    /// <summary>Calls the setter at::Context::&lt;setter&gt;(bool); false when libtorch does not export it (nothing changes then).</summary>
    public static unsafe bool TrySet(string setter, bool value)
    {
        if (Export(GlobalContext) is not { } globalContext || Export(setter) is not { } set) return false;
        IntPtr context = ((delegate* unmanaged<IntPtr>)globalContext)();
        ((delegate* unmanaged<IntPtr, byte, void>)set)(context, value ? (byte)1 : (byte)0);
        return true;
    }

    /// <summary>Calls a free function bool <paramref name="function"/>(); null when libtorch does not export it.</summary>
    public static unsafe bool? TryCall(string function) =>
        Export(function) is { } f ? ((delegate* unmanaged<byte>)f)() != 0 : null;

    private static IntPtr? Export(string symbol) =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad(Library, out IntPtr library) &&
        NativeLibrary.TryGetExport(library, symbol, out IntPtr address) ? address : null;
}

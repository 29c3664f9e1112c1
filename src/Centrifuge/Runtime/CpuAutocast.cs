using System.Runtime.InteropServices;

namespace Centrifuge.Runtime;

/// <summary>
/// libtorch's CPU autocast (what PyTorch calls <c>torch.autocast("cpu", dtype=torch.bfloat16)</c>), which TorchSharp
/// 0.107 does not expose: inside a scope, convolutions and matrix products run in bfloat16 on bfloat16 casts of the
/// fp32 weights (cached for the scope), ops that need range stay fp32, and gradients flow back to the fp32 weights —
/// fp32 master weights and optimizer state with bf16 compute. The switches are libtorch's own C++ functions
/// (at::autocast::*), bound by their mangled names in libtorch_cpu.so; <see cref="IsAvailable"/> is false when this
/// libtorch does not export them. Autocast state is per thread: open and close a scope on the thread that runs the
/// forward pass, and run backward after closing it (as PyTorch recommends).
/// </summary>
public sealed unsafe class CpuAutocast : IDisposable
{
    private const sbyte CpuDevice = 0;       // c10::DeviceType::CPU
    private const sbyte BFloat16Type = 15;   // c10::ScalarType::BFloat16

    private static readonly Lazy<Entry?> Entries = new(Bind);
    private readonly bool _wasEnabled;
    private bool _disposed;

    /// <summary>True when libtorch's autocast switches were found (libtorch 2.x on Linux).</summary>
    public static bool IsAvailable => Entries.Value is not null;

    /// <summary>Whether bf16 autocast is on for CPU on the calling thread.</summary>
    public static bool IsEnabled => Entries.Value is { } e && e.IsEnabled(CpuDevice) != 0;

    private CpuAutocast(Entry e)
    {
        _wasEnabled = e.IsEnabled(CpuDevice) != 0;
        e.SetDtype(CpuDevice, BFloat16Type);
        e.SetEnabled(CpuDevice, 1);
        e.IncrementNesting();
    }

    /// <summary>Turns bf16 autocast on for the calling thread until the scope is disposed.</summary>
    public static CpuAutocast Bf16()
    {
        TorchRuntime.EnsureLoaded();
        Entry e = Entries.Value ?? throw new CentrifugeException(
            $"bf16 training needs libtorch's CPU autocast, which this libtorch ({TorchRuntime.LibTorchVersion}) does not export",
            ExitCodes.Environment) { Remedy = Remedy.UseFp32 };
        return new CpuAutocast(e);
    }

    /// <summary>Restores the previous state; the outermost scope also frees the cached bf16 weight casts.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Entry e = Entries.Value!;
        // The cache holds bf16 copies of the weights as they were: an optimizer step must not reuse them.
        if (e.DecrementNesting() == 0) e.ClearCache();
        e.SetEnabled(CpuDevice, (byte)(_wasEnabled ? 1 : 0));
    }

    private sealed class Entry
    {
        public delegate* unmanaged<sbyte, byte, void> SetEnabledPtr;
        public delegate* unmanaged<sbyte, byte> IsEnabledPtr;
        public delegate* unmanaged<sbyte, sbyte, void> SetDtypePtr;
        public delegate* unmanaged<void> IncrementNestingPtr;
        public delegate* unmanaged<int> DecrementNestingPtr;
        public delegate* unmanaged<void> ClearCachePtr;

        public void SetEnabled(sbyte device, byte on) => SetEnabledPtr(device, on);
        public byte IsEnabled(sbyte device) => IsEnabledPtr(device);
        public void SetDtype(sbyte device, sbyte type) => SetDtypePtr(device, type);
        public void IncrementNesting() => IncrementNestingPtr();
        public int DecrementNesting() => DecrementNestingPtr();
        public void ClearCache() => ClearCachePtr();
    }

    // libtorch_cpu.so is already loaded by TorchSharp; dlopen by name returns that copy.
    private static Entry? Bind()
    {
        TorchRuntime.EnsureLoaded();
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libtorch_cpu.so", out IntPtr library)) return null;
        IntPtr Find(string name) => NativeLibrary.TryGetExport(library, name, out IntPtr p) ? p : IntPtr.Zero;
        IntPtr setEnabled = Find("_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb");
        IntPtr isEnabled = Find("_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE");
        IntPtr setDtype = Find("_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE");
        IntPtr increment = Find("_ZN2at8autocast17increment_nestingEv");
        IntPtr decrement = Find("_ZN2at8autocast17decrement_nestingEv");
        IntPtr clear = Find("_ZN2at8autocast11clear_cacheEv");
        if (setEnabled == 0 || isEnabled == 0 || setDtype == 0 || increment == 0 || decrement == 0 || clear == 0) return null;
        return new Entry
        {
            SetEnabledPtr = (delegate* unmanaged<sbyte, byte, void>)setEnabled,
            IsEnabledPtr = (delegate* unmanaged<sbyte, byte>)isEnabled,
            SetDtypePtr = (delegate* unmanaged<sbyte, sbyte, void>)setDtype,
            IncrementNestingPtr = (delegate* unmanaged<void>)increment,
            DecrementNestingPtr = (delegate* unmanaged<int>)decrement,
            ClearCachePtr = (delegate* unmanaged<void>)clear,
        };
    }
}

// Test classes run one after another: libtorch's thread count and random state are process-wide, the machine has
// two cores that libtorch already uses, and TorchSharp 0.107 has been seen failing with "Unknown scalar type" when
// a garbage collection lands in the middle of a call made from parallel test threads.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Centrifuge.Tests
{
    internal static class TestProcess
    {
        // OpenMP's wait policy and libtorch's kernel settings (the self-check's verdict for this CPU) are read once,
        // when libtorch loads and first computes: load it here, before any test can touch a tensor.
        [System.Runtime.CompilerServices.ModuleInitializer]
        internal static void Prepare() => Centrifuge.Runtime.TorchRuntime.EnsureLoaded();
    }
}

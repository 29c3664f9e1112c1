using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Runtime;

/// <summary>One measured error: a case, in one precision, one part (the forward output or the gradient of one input).</summary>
/// <param name="Error">Largest absolute error over the largest absolute value of the float64 reference (NaN: not finite).</param>
public sealed record KernelError(string Case, string Precision, string Part, double Error, double Tolerance)
{
    public bool Ok => double.IsFinite(Error) && Error <= Tolerance;
}

/// <summary>What <see cref="KernelCheck.Run"/> found: every error, and whether each precision can be trusted.</summary>
public sealed record KernelCheckResult(IReadOnlyList<KernelError> Errors, double Seconds)
{
    /// <summary>Every fp32 forward and gradient is right (training and fp32 inference can be trusted).</summary>
    public bool Fp32Ok => Errors.Where(e => e.Precision == KernelCheck.Fp32).All(e => e.Ok);

    /// <summary>Every fp32 forward output is right (inference can be trusted even when gradients are not).</summary>
    public bool Fp32ForwardOk => Errors.Where(e => e.Precision == KernelCheck.Fp32 && e.Part == KernelCheck.Forward).All(e => e.Ok);

    /// <summary>Every bf16 forward and gradient is right (`--precision bf16` can be trusted).</summary>
    public bool Bf16Ok => Errors.Where(e => e.Precision == KernelCheck.Bf16).All(e => e.Ok);

    /// <summary>The largest error relative to its tolerance, in a precision (null: none measured).</summary>
    public KernelError? Worst(string precision) => Errors.Where(e => e.Precision == precision)
        .OrderByDescending(e => double.IsFinite(e.Error) ? e.Error / e.Tolerance : double.PositiveInfinity).FirstOrDefault();

    public IEnumerable<KernelError> Failures => Errors.Where(e => !e.Ok);
}

/// <summary>
/// The numerical self-check: runs every <see cref="KernelCases"/> case in float32 and bfloat16, forward and backward
/// (the gradient of every input for a random upstream gradient), and compares each result with the same case computed
/// in float64. libtorch computes float64 convolutions with its own im2col and BLAS kernels, never oneDNN's JIT ones, so
/// the reference does not share the code under test (tests/…/KernelCheckTests compares it with plain loops as well).
/// Inputs are rounded to the precision under test before the reference sees them, so only the kernel's own error
/// counts. Tolerances: 1e-3 of the output's scale in fp32 (right kernels: 2e-6 at most), 5e-2 in bf16 (right kernels:
/// 1.8e-2 at most, where libtorch's own bf16 kernels sum 27 taps in bf16); the wrong Zen 5 kernels of issue 27 were off
/// by 0.1 to 1, or not finite (docs/NUMERICS.md).
/// </summary>
public static class KernelCheck
{
    public const string Fp32 = "fp32";
    public const string Bf16 = "bf16";
    public const string Forward = "forward";
    public const double Fp32Tolerance = 1e-3;
    public const double Bf16Tolerance = 5e-2;

    /// <summary>Runs the cases (all by default) on the CPU; <paramref name="fault"/> corrupts chosen kernels (tests).</summary>
    public static KernelCheckResult Run(IEnumerable<KernelCase>? cases = null, KernelFault? fault = null)
    {
        TorchRuntime.EnsureLoaded();
        var clock = Stopwatch.StartNew();
        var errors = new List<KernelError>();
        foreach (KernelCase kernelCase in cases ?? KernelCases.All)
        {
            errors.AddRange(Measure(kernelCase, ScalarType.Float32, Fp32, Fp32Tolerance, fault));
            if (kernelCase.Bf16) errors.AddRange(Measure(kernelCase, ScalarType.BFloat16, Bf16, Bf16Tolerance, fault));
        }
        return new KernelCheckResult(errors, clock.Elapsed.TotalSeconds);
    }

    private static IEnumerable<KernelError> Measure(KernelCase kernelCase, ScalarType type, string precision, double tolerance, KernelFault? fault)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator((ulong)kernelCase.Seed);
        Tensor[] drawn = kernelCase.Inputs
            .Select((shape, i) => torch.randn(shape, ScalarType.Float64, generator: generator).Times(kernelCase.Scale(i))).ToArray();

        // The inputs as the kernel under test sees them, and the same values in float64 for the reference.
        Tensor[] tested = drawn.Select(t => t.to(type).detach().requires_grad_(true)).ToArray();
        Tensor[] reference = tested.Select(t => t.detach().to(ScalarType.Float64).requires_grad_(true)).ToArray();

        var results = new List<KernelError>();
        Tensor output, expected;
        try
        {
            output = kernelCase.Apply(tested);
            if (fault is not null && fault.Applies(kernelCase, precision)) output = fault.Corrupt(tested, output);
            expected = kernelCase.Apply(reference);
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidOperationException or ArgumentException)
        {
            results.Add(new KernelError(kernelCase.Name, precision, Forward + " (" + e.Message.Split('\n')[0] + ")", double.NaN, tolerance));
            return results;
        }
        results.Add(new KernelError(kernelCase.Name, precision, Forward, RelativeError(output, expected), tolerance));

        Tensor upstream = torch.randn(expected.shape, ScalarType.Float64, generator: generator).to(type);
        output.backward([upstream]);
        expected.backward([upstream.to(ScalarType.Float64)]);
        for (int i = 0; i < tested.Length; i++)
        {
            string part = $"gradient of input {i} {Shape(kernelCase.Inputs[i])}";
            Tensor? grad = tested[i].grad;
            Tensor? expectedGrad = reference[i].grad;
            double error = grad is null || expectedGrad is null ? double.NaN : RelativeError(grad, expectedGrad);
            results.Add(new KernelError(kernelCase.Name, precision, part, error, tolerance));
        }
        return results;
    }

    /// <summary>max |a - b| / max |b|, in float64; NaN when either is not finite.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        using var scope = torch.NewDisposeScope();
        Tensor a = actual.detach().to(ScalarType.Float64);
        Tensor b = expected.detach().to(ScalarType.Float64);
        if (!a.isfinite().all().item<bool>() || !b.isfinite().all().item<bool>()) return double.NaN;
        double scale = Math.Max(b.abs().max().item<double>(), 1e-6);
        return (a - b).abs().max().item<double>() / scale;
    }

    private static string Shape(long[] shape) => "[" + string.Join("x", shape) + "]";
}

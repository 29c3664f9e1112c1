namespace Centrifuge.Models;

/// <summary>
/// Arithmetic precision of inference. Bf16 runs the convolutions in bfloat16 (this CPU has AVX-512 BF16: measured
/// speed-up and PSNR change in docs/BENCHMARKS.md); inputs and outputs stay float32.
/// </summary>
public enum InferencePrecision
{
    Fp32,
    Bf16,
}

namespace Centrifuge;

/// <summary>
/// Arithmetic precision of a model's computation, for inference and training alike (--precision; "fp32" / "bf16" in
/// JSON). Fp32: everything in float32 (the paper). Bf16: the convolutions in bfloat16 (this CPU has AVX-512 BF16:
/// measured speed-up and PSNR change in docs/BENCHMARKS.md); inputs, outputs and weights stay float32.
/// </summary>
public enum Precision
{
    Fp32,
    Bf16,
}

/// <summary>Parses a precision as the options of evaluation, separation and training spell it.</summary>
public static class Precisions
{
    /// <summary>"fp32"/"float32" or "bf16"/"bfloat16" (any case), else an <see cref="OptionException"/> naming the value.</summary>
    public static Precision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => Precision.Fp32,
        "bf16" or "bfloat16" => Precision.Bf16,
        _ => throw new OptionException("precision", text, "expected fp32 or bf16"),
    };
}

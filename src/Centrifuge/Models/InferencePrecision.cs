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

/// <summary>Parses the precision option shared by evaluation and separation.</summary>
public static class InferencePrecisions
{
    /// <summary>"fp32"/"float32" or "bf16"/"bfloat16" (any case), else a usage error naming the value.</summary>
    public static InferencePrecision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" => InferencePrecision.Fp32,
        "bf16" or "bfloat16" => InferencePrecision.Bf16,
        _ => throw new OptionException("precision", text, "expected fp32 or bf16"),
    };
}

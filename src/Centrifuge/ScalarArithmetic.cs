using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge;

/// <summary>
/// Tensor arithmetic with numbers, each number's native <see cref="Scalar"/> alive until the native call returns.
/// TorchSharp's operators with a number (<c>x * 2f</c>, <c>1 - x</c>, <c>a + b</c> with its implicit alpha 1,
/// <c>clamp(0, 1)</c>, <c>square()</c>) convert it to a Scalar that nothing references during the call, so a garbage
/// collection started by another thread can finalize it while libtorch reads it: "Unknown scalar type", "alpha must
/// not be a floating point number", a wrong value, or a crash, once in a few hundred thousand calls (docs/NUMERICS.md,
/// "Scalars"). Use these instead; <c>ScalarLifetimeTests</c> fails on any call that converts a number on the way.
/// </summary>
public static class ScalarArithmetic
{
    /// <summary>x + y.</summary>
    public static Tensor Plus(this Tensor x, Tensor y)
    {
        using Scalar one = 1.ToScalar();
        return x.add(y, one);
    }

    /// <summary>x += y, in place; returns x.</summary>
    public static Tensor PlusInPlace(this Tensor x, Tensor y)
    {
        using Scalar one = 1.ToScalar();
        return x.add_(y, one);
    }

    /// <summary>x + alpha * y.</summary>
    public static Tensor PlusScaled(this Tensor x, Tensor y, double alpha)
    {
        using Scalar a = alpha.ToScalar();
        return x.add(y, a);
    }

    /// <summary>x += alpha * y, in place; returns x.</summary>
    public static Tensor PlusScaledInPlace(this Tensor x, Tensor y, double alpha)
    {
        using Scalar a = alpha.ToScalar();
        return x.add_(y, a);
    }

    /// <summary>x == value, element-wise (bool).</summary>
    public static Tensor EqualTo(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar();
        return x.eq(s);
    }

    /// <summary>x &gt; value, element-wise (bool).</summary>
    public static Tensor GreaterThan(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar();
        return x.gt(s);
    }

    /// <summary>x + value.</summary>
    public static Tensor Plus(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar(), one = 1.ToScalar();
        return x.add(s, one);
    }

    /// <summary>x - value.</summary>
    public static Tensor Minus(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar();
        return x.sub(s);
    }

    /// <summary>value - x.</summary>
    public static Tensor SubtractedFrom(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar(), one = 1.ToScalar();
        return x.neg().add_(s, one);
    }

    /// <summary>x * value.</summary>
    public static Tensor Times(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar();
        return x.mul(s);
    }

    /// <summary>x + value, in place; returns x.</summary>
    public static Tensor PlusInPlace(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar(), one = 1.ToScalar();
        return x.add_(s, one);
    }

    /// <summary>x += 1, in place, with an integer Scalar (so an integer tensor, a count, may take it); returns x.</summary>
    public static Tensor IncrementInPlace(this Tensor x)
    {
        using Scalar one = 1.ToScalar();
        return x.add_(one, one);
    }

    /// <summary>x - value, in place; returns x.</summary>
    public static Tensor MinusInPlace(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar();
        return x.sub_(s);
    }

    /// <summary>x / value, in place; returns x.</summary>
    public static Tensor OverInPlace(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar();
        return x.div_(s);
    }

    /// <summary>x * value, in place; returns x.</summary>
    public static Tensor TimesInPlace(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar();
        return x.mul_(s);
    }

    /// <summary>x / value (true division: an integral x gives floats).</summary>
    public static Tensor Over(this Tensor x, double value)
    {
        using Scalar s = value.ToScalar();
        return x.div(s);
    }

    /// <summary>x mod divisor, with the sign of the divisor (Python's %).</summary>
    public static Tensor Modulo(this Tensor x, double divisor)
    {
        using Scalar d = divisor.ToScalar();
        return x.remainder(d);
    }

    /// <summary>x clamped to [min, max].</summary>
    public static Tensor ClampTo(this Tensor x, double min, double max)
    {
        using Scalar low = min.ToScalar(), high = max.ToScalar();
        return x.clamp(low, high);
    }

    /// <summary>x clamped below at min.</summary>
    public static Tensor AtLeast(this Tensor x, double min)
    {
        using Scalar low = min.ToScalar();
        return x.clamp_min(low);
    }

    /// <summary>x to the power exponent.</summary>
    public static Tensor Power(this Tensor x, double exponent)
    {
        using Scalar e = exponent.ToScalar();
        return x.pow(e);
    }

    /// <summary>A tensor of the given shape, every element <paramref name="value"/> (float32 unless said otherwise).</summary>
    public static Tensor Full(long[] shape, double value, ScalarType type = ScalarType.Float32)
    {
        using Scalar s = value.ToScalar();
        return torch.full(shape, s, type);
    }

    /// <summary>x * x (TorchSharp's square() converts its exponent 2).</summary>
    public static Tensor Squared(this Tensor x) => x.mul(x);
}

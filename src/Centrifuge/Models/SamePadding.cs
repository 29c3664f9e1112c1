namespace Centrifuge.Models;

/// <summary>
/// TensorFlow "SAME" padding, as the I3D reference uses: output size = ceil(input / stride), total padding
/// max(k - s, 0) when the size divides by the stride and max(k - size % s, 0) otherwise, the smaller half in front.
/// </summary>
public static class SamePadding
{
    /// <summary>Total padding of one dimension.</summary>
    public static long Total(long size, long kernel, long stride) =>
        size % stride == 0 ? Math.Max(kernel - stride, 0) : Math.Max(kernel - size % stride, 0);

    /// <summary>
    /// F.pad's argument for a [B, C, T, H, W] input: (w front, w back, h front, h back, t front, t back).
    /// </summary>
    public static long[] For(ReadOnlySpan<long> tHw, ReadOnlySpan<long> kernel, ReadOnlySpan<long> stride)
    {
        var pad = new long[6];
        for (int d = 0; d < 3; d++)
        {
            long total = Total(tHw[d], kernel[d], stride[d]);
            int slot = 2 * (2 - d);
            pad[slot] = total / 2;
            pad[slot + 1] = total - total / 2;
        }
        return pad;
    }

    /// <summary>
    /// The ONNX form: Conv/MaxPool "pads" [t, h, w begin, t, h, w end] for sizes that are multiples of <paramref name="d"/>
    /// (the graph pads its input so that they are). The strides divide such sizes, so the padding is the constant
    /// max(k - s, 0), the smaller half in front; d is divided by the strides (<see cref="OnnxGraph.Divide"/>).
    /// </summary>
    public static long[] OnnxPads(IReadOnlyList<long> kernel, IReadOnlyList<long> stride, long[] d, string path)
    {
        var pads = new long[6];
        for (int i = 0; i < 3; i++)
        {
            long total = Total(d[i], kernel[i], stride[i]);
            pads[i] = total / 2;
            pads[i + 3] = total - total / 2;
        }
        OnnxGraph.Divide(d, stride, path);
        return pads;
    }

    /// <summary>Output size of a SAME-padded convolution or pool along one dimension.</summary>
    public static long OutputSize(long size, long stride) => (size + stride - 1) / stride;
}

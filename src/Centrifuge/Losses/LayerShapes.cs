using static TorchSharp.torch;

namespace Centrifuge.Losses;

/// <summary>
/// Shape checks shared by the losses and metrics. Error policy for this folder: a layer count that comes from a
/// user's configuration (k target layers, n model outputs: k &gt; n, k &lt; 1, too many assignments) is a
/// <see cref="CentrifugeException"/> with one line naming the fix; anything else (wrong rank, mismatched
/// B/C/T/H/W, dtype or device) is a programming error of the caller and throws <see cref="ArgumentException"/>.
/// </summary>
internal static class LayerShapes
{
    /// <summary>Checks a video batch [B, C, T, H, W] with H, W &gt;= 2 (the gradient term needs two pixels).</summary>
    public static void RequireVideos(Tensor t, string name)
    {
        if (t.dim() != 5)
            throw new ArgumentException($"{name}: expected [B, C, T, H, W], got {Describe(t)}", name);
        RequireFrames(t, name);
    }

    /// <summary>Checks a layered batch [B, L, C, T, H, W]; returns L.</summary>
    public static int RequireLayers(Tensor t, string name)
    {
        if (t.dim() != 6)
            throw new ArgumentException($"{name}: expected [B, layers, C, T, H, W], got {Describe(t)}", name);
        RequireFrames(t, name);
        return (int)t.shape[1];
    }

    /// <summary>Checks that two tensors agree on every dimension listed (negative = from the end).</summary>
    public static void RequireSame(Tensor a, string nameA, Tensor b, string nameB, params int[] dims)
    {
        foreach (int d in dims)
        {
            long da = a.shape[d < 0 ? a.dim() + d : d], db = b.shape[d < 0 ? b.dim() + d : d];
            if (da != db)
                throw new ArgumentException(
                    $"{nameA} {Describe(a)} and {nameB} {Describe(b)} differ in dimension {d} ({da} vs {db})", nameB);
        }
        if (a.device_type != b.device_type || a.device_index != b.device_index)
            throw new ArgumentException($"{nameA} is on {a.device}, {nameB} on {b.device}", nameB);
        if (a.dtype != b.dtype)
            throw new ArgumentException($"{nameA} is {a.dtype}, {nameB} is {b.dtype}", nameB);
    }

    public static string Describe(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    private static void RequireFrames(Tensor t, string name)
    {
        if (!t.is_floating_point())
            throw new ArgumentException($"{name}: expected a floating-point tensor, got {t.dtype}", name);
        long frames = t.shape[^3], height = t.shape[^2], width = t.shape[^1];
        if (t.shape[0] < 1 || frames < 1 || height < 2 || width < 2)
            throw new ArgumentException(
                $"{name}: {Describe(t)} needs B >= 1, T >= 1, H >= 2 and W >= 2 (the loss takes spatial gradients)", name);
    }
}

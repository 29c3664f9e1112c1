using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Inference.Separation;

/// <summary>
/// Views of each window that `separate --tta` separates besides the window itself: Flip (left-right mirrored),
/// Reverse (time-reversed), or both (then also the mirrored and reversed view: 4 passes in all).
/// </summary>
[Flags]
public enum TestTimeAugmentation { None = 0, Flip = 1, Reverse = 2 }

/// <summary>
/// Test-time augmentation: a window's layers are the average of its own layers and those of its augmented views, each
/// view's layers mapped back (flipped or reversed again) and matched to the window's own by the minimum-cost
/// assignment of <see cref="LayerAligner"/> (the model's layer order is arbitrary, and may differ from view to view).
/// Costs one extra forward pass per view. Averaging is linear and a permutation keeps the layers' sum, so a
/// mixture-consistent model stays mixture-consistent.
/// </summary>
public static class TestTimeAugmentations
{
    /// <summary>"none", "flip", "reverse", or "flip,reverse" (any order).</summary>
    public static TestTimeAugmentation Parse(string text)
    {
        var result = TestTimeAugmentation.None;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
            result |= part.ToLowerInvariant() switch
            {
                "none" or "" => TestTimeAugmentation.None,
                "flip" => TestTimeAugmentation.Flip,
                "reverse" => TestTimeAugmentation.Reverse,
                _ => throw new OptionException("tta", text, "expected none, flip, reverse or flip,reverse"),
            };
        return result;
    }

    /// <summary>The name <see cref="Parse"/> reads back: "none", "flip", "reverse" or "flip,reverse".</summary>
    public static string Name(TestTimeAugmentation tta) => tta switch
    {
        TestTimeAugmentation.None => "none",
        TestTimeAugmentation.Flip | TestTimeAugmentation.Reverse => "flip,reverse",
        _ => tta.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// <paramref name="separate"/> with test-time augmentation (itself when <paramref name="tta"/> is None).
    /// separate: [1, 3, T, H, W] -> [1, n, 3, T, H, W]; so is the result (float32).
    /// </summary>
    public static Func<Tensor, Tensor> Wrap(Func<Tensor, Tensor> separate, TestTimeAugmentation tta) =>
        tta == TestTimeAugmentation.None ? separate : input => Average(separate, input, tta);

    /// <summary>The aligned average over the window and its views. input [1, 3, T, H, W] -> [1, n, 3, T, H, W] float32.</summary>
    public static Tensor Average(Func<Tensor, Tensor> separate, Tensor input, TestTimeAugmentation tta)
    {
        using var scope = torch.NewDisposeScope();
        Tensor reference = separate(input).to(ScalarType.Float32)[0];   // [n, 3, T, H, W]
        Tensor sum = reference.clone();
        int views = 1;
        // Axes 2 = time and 4 = width, of the input [1, 3, T, H, W] and of the layers [n, 3, T, H, W] alike.
        foreach (long[] axes in Views(tta))
        {
            Tensor layers = separate(input.flip(axes)).to(ScalarType.Float32)[0].flip(axes);
            sum = sum.Plus(LayerAligner.Reorder(layers, LayerAligner.Align(reference, layers)));
            views++;
        }
        return sum.Over(views).unsqueeze(0).MoveToOuterDisposeScope();
    }

    private static IEnumerable<long[]> Views(TestTimeAugmentation tta)
    {
        bool flip = tta.HasFlag(TestTimeAugmentation.Flip), reverse = tta.HasFlag(TestTimeAugmentation.Reverse);
        if (flip) yield return [4];
        if (reverse) yield return [2];
        if (flip && reverse) yield return [2, 4];
    }
}

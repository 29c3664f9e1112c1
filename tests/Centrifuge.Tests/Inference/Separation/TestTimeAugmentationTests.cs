using Centrifuge.Inference.Separation;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Separation;

/// <summary>`separate --tta`: each window averaged with its flipped / reversed views, layers matched before averaging.</summary>
public class TestTimeAugmentationTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    private static readonly TestTimeAugmentation All = TestTimeAugmentation.Flip | TestTimeAugmentation.Reverse;

    // [1, 3, T, H, W] in [-1, 1], different in every pixel, brighter on the left half.
    private static Tensor Window(int t = 4, int h = 5, int w = 6)
    {
        torch.manual_seed(3);
        Tensor video = torch.rand([1L, 3, t, h, w]) * 0.8 - 0.9;
        video[.., .., .., .., TensorIndex.Slice(0, w / 2)] += 0.9;
        return video;
    }

    // Pointwise layers: equivariant to any flip or reversal.
    private static Tensor A(Tensor x) => 0.3 * x + 0.2 * x * x;
    private static Tensor B(Tensor x) => x - A(x) + 0.1;

    [Fact]
    public void An_equivariant_model_is_unchanged_by_every_augmentation()
    {
        using var scope = NewDisposeScope();
        Tensor input = Window();
        Func<Tensor, Tensor> model = x => torch.stack([A(x), B(x)], 1);
        Tensor plain = model(input);
        foreach (var tta in new[] { TestTimeAugmentation.Flip, TestTimeAugmentation.Reverse, All })
            Assert.True(TestTimeAugmentations.Wrap(model, tta)(input).allclose(plain, rtol: 0, atol: 1e-6), tta.ToString());
    }

    [Fact]
    public void Layers_that_swap_under_a_flip_are_matched_before_averaging()
    {
        using var scope = NewDisposeScope();
        Tensor input = Window();
        int w = (int)input.shape[4];
        // The layer order depends on which half is brighter, so the mirrored view returns the layers swapped.
        Func<Tensor, Tensor> model = x =>
        {
            bool leftBrighter = x[.., .., .., .., TensorIndex.Slice(0, w / 2)].mean().item<float>() >
                                x[.., .., .., .., TensorIndex.Slice(w / 2, w)].mean().item<float>();
            return leftBrighter ? torch.stack([A(x), B(x)], 1) : torch.stack([B(x), A(x)], 1);
        };
        Tensor plain = model(input);
        Tensor mirrored = model(input.flip(4)).flip(5);
        Assert.True(mirrored[0, 0].allclose(plain[0, 1], atol: 1e-6));   // the view really comes back swapped
        Assert.False(((plain + mirrored) / 2).allclose(plain, atol: 1e-3)); // so averaging unmatched layers would mix them

        Assert.True(TestTimeAugmentations.Wrap(model, TestTimeAugmentation.Flip)(input).allclose(plain, rtol: 0, atol: 1e-6));
        Assert.True(TestTimeAugmentations.Wrap(model, All)(input).allclose(plain, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void A_model_that_is_not_equivariant_gets_the_average_of_its_views()
    {
        using var scope = NewDisposeScope();
        Tensor input = Window(w: 4);
        // Layers x + r and x - r with a ramp r = 0.1 w across the width (0, 0.1, 0.2, 0.3). The mirrored view, flipped
        // back, is x + r' and x - r' with r' = 0.3 - r; it matches in the same order (mean |r - r'| = 0.1 < mean |r + r'|
        // = 0.3), so the average is x + (r + r') / 2 = x + 0.15 and x - 0.15 in every pixel.
        Tensor ramp = torch.arange(4, dtype: ScalarType.Float32) * 0.1f;
        Func<Tensor, Tensor> model = x => torch.stack([x + ramp, x - ramp], 1);
        Tensor averaged = TestTimeAugmentations.Wrap(model, TestTimeAugmentation.Flip)(input);
        Tensor expected = torch.stack([input + 0.15, input - 0.15], 1);
        Assert.True(averaged.allclose(expected, rtol: 0, atol: 1e-6));
        // Time reversal leaves a width ramp alone.
        Assert.True(TestTimeAugmentations.Wrap(model, TestTimeAugmentation.Reverse)(input).allclose(model(input), rtol: 0, atol: 1e-6));
    }

    [Theory]
    [InlineData("none", TestTimeAugmentation.None)]
    [InlineData("flip", TestTimeAugmentation.Flip)]
    [InlineData("reverse", TestTimeAugmentation.Reverse)]
    [InlineData("flip,reverse", TestTimeAugmentation.Flip | TestTimeAugmentation.Reverse)]
    [InlineData(" Reverse , flip ", TestTimeAugmentation.Flip | TestTimeAugmentation.Reverse)]
    public void Names_parse_and_round_trip(string text, TestTimeAugmentation expected)
    {
        Assert.Equal(expected, TestTimeAugmentations.Parse(text));
        Assert.Equal(expected, TestTimeAugmentations.Parse(TestTimeAugmentations.Name(expected)));
    }

    [Fact]
    public void Separate_with_tta_runs_end_to_end_and_a_bad_value_names_the_flag()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        string[] common = ["--model", clips.TinyModel, "--size", "32", "--window", "8", "--overlap", "2"];
        CliResult ok = CliRunner.Run(["separate", clips.Testsrc, "-o", dir.File("out"), "--tta", "flip,reverse", .. common]);
        Assert.True(ok.ExitCode == 0, ok.Error + ok.Output);
        Assert.True(File.Exists(Path.Combine(dir.File("out"), Path.GetFileNameWithoutExtension(clips.Testsrc), "layer-2.mp4")));

        CliResult bad = CliRunner.Run(["separate", clips.Testsrc, "-o", dir.File("bad"), "--tta", "rotate", .. common]);
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("--tta", bad.Error);
        Assert.False(Directory.Exists(dir.File("bad")));
    }
}

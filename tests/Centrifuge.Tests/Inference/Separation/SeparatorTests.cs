using System.Text.Json;
using Centrifuge.Inference.Separation;
using Centrifuge.Tests.Support;
using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Inference.Separation;

public class SeparatorTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    [Fact]
    public void With_four_layers_the_most_dissimilar_pair_is_written_as_pair_a_and_b()
    {
        using var dir = new TempDir();
        // [1, 3, T, H, W] -> [1, 4, 3, T, H, W]: layers 1 and 3 (x and -x) are the farthest apart.
        Tensor FourLayers(Tensor x) => torch.stack(new[] { x[0], 0.9 * x[0], -x[0], 0.8 * x[0] }).unsqueeze(0);
        var options = new SeparationOptions { ProcessingShortSide = 48, WindowFrames = 8, OverlapFrames = 2 };
        SeparationResult result = new Separator(FourLayers, options).Separate(clips.Mandelbrot, dir.File("out"));

        Assert.Equal(4, result.Summary.Layers);
        Assert.Equal(new[] { 1, 3 }, result.Summary.Pair);
        string folder = result.OutputFolder;
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "layer-1.mp4")), File.ReadAllBytes(Path.Combine(folder, "pair-a.mp4")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "layer-3.mp4")), File.ReadAllBytes(Path.Combine(folder, "pair-b.mp4")));
        Assert.True(File.Exists(Path.Combine(folder, "layer-4.mp4")));

        // Five tiles (input + 4 layers) of 80x48 in a 3 x 2 grid with 2-pixel gutters.
        VideoInfo preview = VideoProbe.Probe(Path.Combine(folder, "preview.mp4"));
        Assert.Equal((3 * 80 + 4, 2 * 48 + 2, 13), (preview.Width, preview.Height, preview.Frames));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        Assert.Equal(new[] { 1, 3 }, summary.RootElement.GetProperty("pair").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void A_separator_that_fails_midway_leaves_no_folder_behind()
    {
        using var dir = new TempDir();
        int calls = 0;
        Tensor Failing(Tensor x) => ++calls < 3 ? torch.stack(new[] { x[0], -x[0] }).unsqueeze(0)
            : throw new CentrifugeException("simulated failure in window 3", ExitCodes.WriteFailed);
        var options = new SeparationOptions { ProcessingShortSide = 48, WindowFrames = 8, OverlapFrames = 2 };
        var e = Assert.Throws<CentrifugeException>(() => new Separator(Failing, options).Separate(clips.Testsrc, dir.File("out")));
        Assert.Contains("window 3", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.File("out")));
    }

    [Fact]
    public void Layers_that_are_not_finite_are_reported_in_one_line_naming_the_input_window_and_likely_cause()
    {
        // Before issue 27 a NaN reached the permutation matcher: "internal error: cost matrix contains NaN".
        using var dir = new TempDir();
        int calls = 0;
        Tensor NaNInSecondWindow(Tensor x) => ++calls == 2
            ? torch.stack(new[] { x[0], x[0] * double.NaN }).unsqueeze(0)
            : torch.stack(new[] { x[0], -x[0] }).unsqueeze(0);
        var options = new SeparationOptions { ProcessingShortSide = 48, WindowFrames = 8, OverlapFrames = 2 };
        var e = Assert.Throws<CentrifugeException>(() => new Separator(NaNInSecondWindow, options).Separate(clips.Testsrc, dir.File("out")));

        Assert.Equal(ExitCodes.NonFiniteOutput, e.ExitCode);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(clips.Testsrc + ": the model's layers are not finite", e.Message);
        Assert.Contains("window 2 (frames 6-13)", e.Message);
        Assert.Contains("kernel self-check", e.Message);   // the likely cause: the verdict for this CPU
        Assert.Empty(Directory.GetFileSystemEntries(dir.File("out")));
    }
}

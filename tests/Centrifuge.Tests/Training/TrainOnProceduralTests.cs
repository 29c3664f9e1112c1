using Centrifuge.Tests.Data.Support;
using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

/// <summary>
/// `train` and `samples` with procedural pseudo-videos on real files: a corpus of videos only (no photos), where a
/// procedural layer needs no source.
/// </summary>
[Collection(TrainingFixtures.Collection)]
public sealed class TrainOnProceduralTests
{
    private static string Corpus(TempDir dir)
    {
        string root = dir.File("corpus");
        string[] videos = ["testsrc2", "mandelbrot", "smptebars", "life", "rgbtestsrc"];
        for (int i = 0; i < videos.Length; i++)
            TestClips.Video(Path.Combine(root, i < 3 ? "train" : "val", "videos", videos[i] + ".mkv"), videos[i], 40, 30, 12);
        return root;
    }

    [Fact]
    public void Trains_with_procedural_layers_and_records_their_share()
    {
        using var dir = new TempDir();
        string corpus = Corpus(dir), run = dir.File("run");
        CliResult result = CliRunner.Run(["train", "--data", corpus, "--cache", dir.File("cache"), "--preset", "tiny", "--out", run,
            "--threads", "1", "--clip", "4,16,16", "--batch", "2", "--photo", "0", "--procedural", "0.5",
            "--iterations", "2", "--val-every", "2", "--checkpoint-every", "2"]);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("done: 2 iterations", result.Output);
        Assert.Equal(0.5, TrainingConfig.Load(Path.Combine(run, "config.json")).Data.ProceduralProbability);
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "step-000000002.ckpt")));
    }

    [Fact]
    public void Samples_draws_procedural_layers_without_photos_and_refuses_a_bad_share()
    {
        using var dir = new TempDir();
        string corpus = Corpus(dir), png = dir.File("samples.png");
        CliResult result = CliRunner.Run(["samples", "--data", corpus, "--preset", "tiny", "--clip", "4,16,16", "--photo", "0",
            "--procedural", "1", "--count", "2", "-o", png]);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);

        CliResult bad = CliRunner.Run(["samples", "--data", corpus, "--preset", "tiny", "--procedural", "2", "-o", dir.File("bad.png")]);
        Assert.Equal(2, bad.ExitCode);   // ExitCodes.Usage
        Assert.Contains("procedural_probability must be in [0, 1], not 2", bad.Error);
        Assert.False(File.Exists(dir.File("bad.png")));
    }
}

using System.Text.Json;
using Centrifuge.Tests.Data.Support;
using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

/// <summary>
/// `train` with composited moving-object pseudo-videos on real files (videos and photos in train/ and val/ folders):
/// the run trains, logs the training-vs-validation video gap at every validation, resumes, and stops on a CPU budget.
/// </summary>
[Collection(TrainingFixtures.Collection)]
public sealed class TrainOnCompositesTests
{
    private static string Corpus(TempDir dir)
    {
        string root = dir.File("corpus");
        string[] videos = ["testsrc2", "mandelbrot", "smptebars", "life", "rgbtestsrc", "cellauto"];
        for (int i = 0; i < videos.Length; i++)
            TestClips.Video(Path.Combine(root, i < 4 ? "train" : "val", "videos", videos[i] + ".mkv"), videos[i], 40, 30, 12);
        string[] photos = ["testsrc", "mandelbrot", "smptehdbars", "yuvtestsrc", "pal100bars", "testsrc2"];
        for (int i = 0; i < photos.Length; i++)
            TestClips.Image(Path.Combine(root, i < 4 ? "train" : "val", "photos", $"{photos[i]}-still.png"), photos[i], 48, 36);
        return root;
    }

    // The cache beside the run: every clip decoded once, not at every validation.
    private static string[] Train(string corpus, string run, params string[] extra) =>
        ["train", "--data", corpus, "--cache", Path.Combine(Path.GetDirectoryName(run)!, "cache"), "--preset", "tiny", "--out", run,
         "--threads", "1", "--clip", "4,16,16", "--batch", "2",
         "--composite", "0.5", "--photo", "0", "--objects", "2", .. extra];

    [Fact]
    public void Trains_and_resumes_on_composited_clips_logging_both_validation_ratios()
    {
        using var dir = new TempDir();
        string corpus = Corpus(dir), run = dir.File("run");

        CliResult first = CliRunner.Run(Train(corpus, run, "--iterations", "4", "--val-every", "2", "--checkpoint-every", "2"));
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        Assert.Contains("real videos: training", first.Output);
        Assert.Matches(@"validation [0-9.]+ \(gap [-+0-9.]+\), win rate \d+ %", first.Output);
        TrainingConfig written = TrainingConfig.Load(Path.Combine(run, "config.json"));
        Assert.Equal(0.5, written.Data.CompositeProbability);
        Assert.Equal(2, written.Data.Composite.MaxObjects);

        CliResult second = CliRunner.Run(Train(corpus, run, "--iterations", "6", "--val-every", "2", "--checkpoint-every", "2", "--resume"));
        Assert.True(second.ExitCode == 0, second.Error + second.Output);
        Assert.Contains("done: 6 iterations", second.Output);

        var validations = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("kind").GetString() == "validation").ToList();
        Assert.Equal([0L, 2, 4, 6], validations.Select(v => v.GetProperty("iteration").GetInt64()));
        foreach (JsonElement v in validations)
        {
            Assert.InRange(v.GetProperty("training_videos_ratio").GetDouble(), 0.01, 10);
            Assert.InRange(v.GetProperty("validation_videos_ratio").GetDouble(), 0.01, 10);
            Assert.InRange(v.GetProperty("validation_videos_win_rate").GetDouble(), 0, 1);
            Assert.InRange(v.GetProperty("training_videos_win_rate").GetDouble(), 0, 1);
            // The two sets are different videos: the same ratio on both would mean one set was scored twice.
            Assert.NotEqual(v.GetProperty("training_videos_ratio").GetDouble(), v.GetProperty("validation_videos_ratio").GetDouble());
        }
        Assert.True(File.Exists(Path.Combine(run, "loss.png")));
    }

    [Fact]
    public void The_shipped_composite_config_loads_with_its_composited_share()
    {
        TrainingConfig config = TrainingConfig.Load(Path.Combine(Repo.Root, "configs", "cpu-small-composite.json"));
        Assert.Equal(0.5, config.Data.CompositeProbability);
        Assert.Equal(0, config.Data.PhotoProbability);
        Assert.Equal(new Centrifuge.Data.CompositeConfig(), config.Data.Composite);
    }

    [Fact]
    public void A_cpu_time_budget_ends_the_run_with_a_validation_and_a_checkpoint()
    {
        using var dir = new TempDir();
        string corpus = Corpus(dir), run = dir.File("run");
        CliResult result = CliRunner.Run(Train(corpus, run, "--iterations", "1000", "--val-every", "500", "--max-cpu-minutes", "0.001"));
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("time budget reached at iteration 1 ", result.Output);
        Assert.Contains("validation at 1:", result.Output);
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "step-000000001.ckpt")));
        TrainingState state = TrainingCheckpoint.ReadState(Path.Combine(run, "checkpoints", "step-000000001.ckpt"));
        Assert.True(state.CpuSeconds > 0.06, $"cpu seconds {state.CpuSeconds}");
    }

    [Fact]
    public void A_validation_that_spends_the_budget_ends_the_run_at_its_step()
    {
        using var dir = new TempDir();
        string corpus = Corpus(dir), run = dir.File("run");
        // 1,000 validation pairs (x3 sets) cost several times the 2 CPU-seconds of budget, and two tiny steps far less.
        // (200 pairs did not, on AMD Zen 5 with oneDNN at SSE4.1, once the process was warm: issue 27.)
        string patch = dir.File("long-validation.json");
        File.WriteAllText(patch, """{ "validation_pairs": 1000, "validate_at_start": false }""");
        CliResult result = CliRunner.Run(Train(corpus, run, "--config", patch, "--iterations", "1000", "--val-every", "2",
            "--max-cpu-minutes", "0.0333"));
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Matches(@"time budget reached at iteration [12] ", result.Output);
        Assert.DoesNotContain("validation at 3:", result.Output);   // no extra step and second validation after it
        Assert.True(result.Output.Split('\n').Count(line => line.StartsWith("validation at ", StringComparison.Ordinal)) == 1, result.Output);
    }

    [Fact]
    public void Samples_draws_a_png_of_the_training_data_and_keeps_an_existing_one()
    {
        using var dir = new TempDir();
        string corpus = Corpus(dir), png = dir.File("samples.png");
        string[] args = ["samples", "--data", corpus, "--preset", "tiny", "--clip", "4,16,16", "--composite", "1", "--count", "3", "-o", png];
        CliResult result = CliRunner.Run(args);
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        byte[] before = File.ReadAllBytes(png);
        CliResult again = CliRunner.Run(args);
        Assert.Equal(13, again.ExitCode);   // ExitCodes.OutputExists
        Assert.Contains("--force", again.Error);
        Assert.Equal(before, File.ReadAllBytes(png));
    }
}

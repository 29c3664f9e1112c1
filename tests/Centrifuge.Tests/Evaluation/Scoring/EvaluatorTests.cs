using System.Text.Json;
using Centrifuge.Data;
using Centrifuge.Evaluation.Scoring;
using Centrifuge.Models;
using TorchSharp;

namespace Centrifuge.Tests.Evaluation.Scoring;

public class EvaluatorTests(EvaluationClips clips) : IClassFixture<EvaluationClips>
{
    private static readonly EvaluationOptions Options = new() { Pairs = 5, Seed = 3, Clip = new ClipSize(8, 32, 32), BatchSize = 2 };

    private EvaluationResult Evaluate() => Evaluator.Run(clips.Checkpoint, clips.Videos, Options, VideoSourceDecoder.Instance);

    // One evaluation shared by the tests that only read it (each run decodes every pair with ffmpeg).
    private EvaluationResult Shared => clips.Cached("evaluation", Evaluate);

    [Fact]
    public void Evaluate_returns_every_row_and_column_as_json()
    {
        EvaluationResult result = Shared;
        using JsonDocument doc = JsonDocument.Parse(JsonDefaults.Serialize(result));
        Assert.Equal(["pairs", "identity", "untrained", "model", "ratio_to_identity", "per_pair", "per_video", "per_video_pair", "balanced_win_rate", "strength"],
            doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(5, doc.RootElement.GetProperty("pairs").GetInt32());
        foreach (string row in new[] { "identity", "untrained", "model" })
        {
            JsonElement r = doc.RootElement.GetProperty(row);
            Assert.Equal(["loss", "psnr", "ssim", "psnri", "diversity", "psnri_median", "psnri_p10", "win_rate"],
                r.EnumerateObject().Select(p => p.Name).ToArray());
            Assert.True(r.GetProperty("loss").GetDouble() > 0, row);
        }
        Assert.Equal(result.Model.Loss / result.Identity.Loss, result.RatioToIdentity, 12);
        // The broken file is listed, not fatal; the identity baseline's outputs are all equal.
        Assert.Contains(result.Skipped, s => s.Path.EndsWith("broken.mp4", StringComparison.Ordinal));
        Assert.Equal(0, result.Identity.Diversity);
        Assert.Equal(0, result.Identity.Psnri);
    }

    [Fact]
    public void Identity_row_equals_the_closed_form_on_the_same_pairs()
    {
        EvaluationResult result = Shared;
        var config = new DataConfig
        {
            Sources = [clips.Videos], Frames = 8, Height = 32, Width = 32, PhotoProbability = 0, Seed = Options.Seed,
        };
        using HeldOutVideos videos = HeldOutVideos.Open(config, VideoSourceDecoder.Instance);
        using BlendedBatch batch = videos.Pairs(Options.Pairs, Options.Seed, placement: Options.Placement).Batch(0, Options.Pairs);
        float[] mixture = batch.Mixture.contiguous().data<float>().ToArray();     // [B, 3, T, H, W]
        float[] targets = batch.Targets.contiguous().data<float>().ToArray();     // [B, 2, 3, T, H, W]
        int video = 3 * 8 * 32 * 32;
        double loss = 0, psnr = 0, ssim = 0;
        for (int b = 0; b < Options.Pairs; b++)
        {
            float[] m = mixture.AsSpan(b * video, video).ToArray();
            for (int i = 0; i < 2; i++)
            {
                float[] t = targets.AsSpan((b * 2 + i) * video, video).ToArray();
                Assert.Equal(0.5, batch.Weights[b, i].item<float>(), 6);
                loss += IdentityReference.Loss(m, t, 8, 32, 32);
                psnr += IdentityReference.Psnr(m, t, 8, 32, 32) / 2;
                ssim += IdentityReference.Ssim(m, t, 8, 32, 32) / 2;
            }
        }
        Assert.Equal(loss / Options.Pairs, result.Identity.Loss, 5);
        Assert.Equal(psnr / Options.Pairs, result.Identity.Psnr, 4);
        Assert.Equal(ssim / Options.Pairs, result.Identity.Ssim, 5);
    }

    [Fact]
    public void Same_seed_gives_the_same_numbers_and_another_seed_other_pairs()
    {
        EvaluationResult first = Shared, second = Evaluate();
        Assert.Equal(JsonDefaults.Serialize(first), JsonDefaults.Serialize(second));
        var config = new DataConfig { Sources = [clips.Videos], Frames = 8, Height = 32, Width = 32, PhotoProbability = 0 };
        using HeldOutVideos videos = HeldOutVideos.Open(config, VideoSourceDecoder.Instance);
        string Pairs(long seed) => string.Join(";", videos.Pairs(Options.Pairs, seed).Plans.Select(p => string.Join("+", p.Layers.Select(l => l.Id))));
        Assert.Equal(Pairs(3), Pairs(3));
        Assert.NotEqual(Pairs(3), Pairs(4));
    }

    /// <summary>
    /// 40 pairs of 6 videos: centred, every pair of the same two videos is the same view (at most 15 distinct blends, so
    /// "40 pairs" would be 15 counted again); spread (evaluate's default), 40 distinct views, each clip and crop inside
    /// its video at the nominal size, and the setup says how many video pairs were blended.
    /// </summary>
    [Fact]
    public void Spread_pairs_are_distinct_views_where_centred_ones_repeat()
    {
        var config = new DataConfig { Sources = [clips.Videos], Frames = 8, Height = 32, Width = 32, PhotoProbability = 0 };
        using HeldOutVideos videos = HeldOutVideos.Open(config, VideoSourceDecoder.Instance);
        string View(SamplePlan p) => string.Join("+", p.Layers.Select(l => $"{l.Id}:{l.Box}").Order(StringComparer.Ordinal));
        string Videos(SamplePlan p) => string.Join("+", p.Layers.Select(l => l.Video).Order());
        ValidationSet centred = videos.Pairs(40, 3), spread = videos.Pairs(40, 3, placement: ClipPlacement.Spread);
        Assert.Equal(40, centred.Count);
        Assert.Equal(centred.Plans.Select(Videos).Distinct().Count(), centred.Plans.Select(View).Distinct().Count());
        Assert.True(centred.Plans.Select(View).Distinct().Count() <= 15);
        Assert.Equal(40, spread.Plans.Select(View).Distinct().Count());
        foreach (LayerPlan layer in spread.Plans.SelectMany(p => p.Layers))
        {
            StoredVideo v = videos.Pool.Store.Videos[layer.Video];
            Assert.Equal(centred.Plans[0].Layers[0].Box.Width, layer.Box.Width);
            Assert.Equal(centred.Plans[0].Layers[0].Box.Height, layer.Box.Height);
            Assert.InRange(layer.Box.X + layer.Box.Width, layer.Box.Width, v.Width);
            Assert.InRange(layer.Box.Y + layer.Box.Height, layer.Box.Height, v.Height);
            Assert.Equal(Enumerable.Range(layer.Frames[0], 8), layer.Frames);
            Assert.InRange(layer.Frames[^1], 7, v.Frames - 1);
        }
        Assert.All(spread.Plans, p => Assert.Equal(0.5, p.Weights[0]));

        EvaluationResult result = Shared;
        Assert.Contains(result.Setup, s => s.Name == "placement" && s.Value == $"spread; {Evaluator.VideoPairs(result.PerPair)} distinct video pairs");
    }

    [Fact]
    public void Untrained_row_is_the_same_architecture_with_fixed_random_weights()
    {
        using var a = Evaluator.CreateUntrained(ModelPresets.Get("tiny"));
        using var b = Evaluator.CreateUntrained(ModelPresets.Get("tiny"));
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        Assert.Equal(pa.Length, pb.Length);
        for (int i = 0; i < pa.Length; i++) Assert.True(pa[i].eq(pb[i]).all().item<bool>());
        using var trained = ModelCheckpoint.Load(clips.Checkpoint);
        Assert.False(trained.parameters().Zip(pa).All(p => p.First.eq(p.Second).all().item<bool>()));
    }

    [Fact]
    public void Report_folder_holds_markdown_json_and_a_png_chart_and_is_not_overwritten()
    {
        EvaluationResult result = Shared;
        string folder = Path.Combine(clips.Root, "report-" + Guid.NewGuid().ToString("N"));
        var paths = EvaluationReport.Write(result, folder, force: false);
        Assert.Equal(4, paths.Count);
        string markdown = File.ReadAllText(Path.Combine(folder, EvaluationReport.Markdown));
        Assert.Contains("| identity |", markdown);
        Assert.Contains("win rate", markdown);
        foreach (PairScore pair in result.PerPair)
            Assert.Contains($"| {pair.Pair} | {string.Join(" + ", pair.Videos)} |", markdown);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(Path.Combine(folder, EvaluationReport.PairsChart))[..4]);
        Assert.Contains("broken.mp4", markdown);
        byte[] png = File.ReadAllBytes(Path.Combine(folder, EvaluationReport.Chart));
        Assert.True(png.Length > 1000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        var again = Assert.Throws<CentrifugeException>(() => EvaluationReport.Write(result, folder, force: false));
        Assert.Equal(ExitCodes.OutputExists, again.ExitCode);
        EvaluationReport.Write(result, folder, force: true);
    }

    [Fact]
    public void Per_pair_psnri_is_reported_and_summarised_by_hand()
    {
        EvaluationResult result = Shared;
        Assert.Equal(Options.Pairs, result.PerPair.Count);
        Assert.Equal(Enumerable.Range(1, Options.Pairs), result.PerPair.Select(p => p.Pair));
        Assert.All(result.PerPair, p => Assert.Equal(2, p.Videos.Count));
        Assert.All(result.PerPair, p => Assert.NotEqual(p.Videos[0], p.Videos[1]));
        double[] psnri = result.PerPair.Select(p => p.Psnri).ToArray();
        // 5 pairs: the median is the 3rd smallest; the 10th percentile sits at position 0.4 between the two smallest.
        double[] sorted = psnri.OrderBy(v => v).ToArray();
        Assert.Equal(psnri.Average(), result.Model.Psnri, 9);
        Assert.Equal(sorted[2], result.Model.PsnriMedian, 12);
        Assert.Equal(sorted[0] + 0.4 * (sorted[1] - sorted[0]), result.Model.PsnriP10, 9);
        Assert.Equal(psnri.Count(v => v > 0) / 5.0, result.Model.WinRate, 12);
        Assert.Equal(result.PerPair.Average(p => p.UntrainedPsnri), result.Untrained.Psnri, 9);
        Assert.Equal(result.PerPair.Average(p => p.Loss), result.Model.Loss, 9);
        Assert.Equal(result.PerPair.Average(p => p.IdentityLoss), result.Identity.Loss, 9);
        Assert.Equal(0, result.Identity.WinRate);
    }

    [Fact]
    public void Pairs_gathered_by_video_pair_and_by_video_match_a_count_by_hand()
    {
        PairScore Pair(int n, string a, string b, double psnri, double? reference = null) =>
            new(n, [a, b], 0.3, 0.2, psnri, 0) { ReferencePsnri = reference };
        PairScore[] pairs =
        [
            Pair(1, "tree.avi@0", "cube.mkv@4", 1.0, 0.5),
            Pair(2, "cube.mkv@9", "tree.avi@2", -2.0, -1.0),
            Pair(3, "tree.avi@5", "cube.mkv@0", 3.0, 3.0),
            Pair(4, "bird.mp4@1", "tree.avi@7", -0.5, -1.5),
        ];

        IReadOnlyList<VideoGroup> byPair = VideoGroup.ByVideoPair(pairs);
        // cube + tree: 1, -2, 3 (median 1, worst -2, 2 of 3 above 0, better than the reference on pair 1 only);
        // bird + tree: -0.5 alone. Worst median first.
        Assert.Equal(new[] { "bird.mp4 + tree.avi", "cube.mkv + tree.avi" }, byPair.Select(g => g.Name));
        Assert.Equal(new VideoGroup("bird.mp4 + tree.avi", 1, -0.5, -0.5, 0, -0.5) { BetterThanReference = 1 }, byPair[0]);
        Assert.Equal(new VideoGroup("cube.mkv + tree.avi", 3, 2.0 / 3, 1, 2.0 / 3, -2) { BetterThanReference = 1 }, byPair[1]);

        IReadOnlyList<VideoGroup> byVideo = VideoGroup.ByVideo(pairs);
        // bird: -0.5; tree: all four (median of -2, -0.5, 1, 3 = 0.25); cube: the first three (median 1).
        Assert.Equal(new[] { "bird.mp4", "tree.avi", "cube.mkv" }, byVideo.Select(g => g.Name));
        Assert.Equal(new[] { 1, 4, 3 }, byVideo.Select(g => g.Pairs));
        Assert.Equal(0.25, byVideo[1].Median, 12);
        Assert.Equal(0.375, byVideo[1].Mean, 12);
        Assert.Equal(0.5, byVideo[1].WinRate, 12);
        Assert.Equal(new[] { 1, 2, 1 }, byVideo.Select(g => g.BetterThanReference!.Value));

        // Each video pair counted once: (0 + 2/3) / 2, where the plain win rate over the 4 pairs is 2/4.
        Assert.Equal(1.0 / 3, VideoGroup.BalancedWinRate(byPair), 12);
        Assert.True(double.IsNaN(VideoGroup.BalancedWinRate([])));

        // Without a reference there is nothing to count.
        Assert.All(VideoGroup.ByVideo(pairs.Select(p => p with { ReferencePsnri = null })), g => Assert.Null(g.BetterThanReference));
    }

    [Fact]
    public void The_report_and_json_gather_the_evaluated_pairs_by_video_pair_and_by_video()
    {
        EvaluationResult result = Shared;
        // Every pair lands in exactly one video-pair group and in the groups of both its videos.
        Assert.Equal(result.PerPair.Count, result.PerVideoPair.Sum(g => g.Pairs));
        Assert.Equal(2 * result.PerPair.Count, result.PerVideo.Sum(g => g.Pairs));
        Assert.Equal(Evaluator.VideoPairs(result.PerPair), result.PerVideoPair.Count);
        foreach (VideoGroup group in result.PerVideoPair)
        {
            double[] mine = [.. result.PerPair.Where(p => VideoGroup.PairName(p) == group.Name).Select(p => p.Psnri)];
            Assert.Equal(mine.Min(), group.Worst, 12);
            Assert.Equal(mine.Average(), group.Mean, 9);
        }
        Assert.Equal(result.PerVideoPair.Select(g => g.Median).Order(), result.PerVideoPair.Select(g => g.Median));
        Assert.Equal(result.PerVideoPair.Average(g => result.PerPair.Where(p => VideoGroup.PairName(p) == g.Name).Count(p => p.Psnri > 0) / (double)g.Pairs),
            result.BalancedWinRate, 12);

        using JsonDocument json = JsonDocument.Parse(JsonDefaults.Serialize(result));
        JsonElement first = json.RootElement.GetProperty("per_video_pair")[0];
        Assert.Equal(result.PerVideoPair[0].Name, first.GetProperty("name").GetString());
        Assert.Equal(result.PerVideoPair[0].Pairs, first.GetProperty("pairs").GetInt32());
        Assert.False(first.TryGetProperty("better_than_reference", out _));
        Assert.Equal(result.PerVideo.Count, json.RootElement.GetProperty("per_video").GetArrayLength());
        Assert.Equal(result.BalancedWinRate, json.RootElement.GetProperty("balanced_win_rate").GetDouble(), 12);

        string markdown = EvaluationReport.ToMarkdown(result);
        Assert.Contains("## By video pair", markdown);
        Assert.Contains("## By video (", markdown);
        Assert.Contains($"with each of the {result.PerVideoPair.Count} video pairs counted once: the mean", markdown);
        foreach (VideoGroup group in result.PerVideo.Concat(result.PerVideoPair))
            Assert.Contains($"| {group.Name} | {group.Pairs} |", markdown);
    }
}

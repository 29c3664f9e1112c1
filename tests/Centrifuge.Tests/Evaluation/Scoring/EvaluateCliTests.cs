using System.Text.Json;
using Centrifuge.Models;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Evaluation.Scoring;

public class EvaluateCliTests(EvaluationClips clips) : IClassFixture<EvaluationClips>
{
    [Fact]
    public void Evaluate_prints_json_writes_the_report_and_lists_unreadable_videos()
    {
        string report = Path.Combine(clips.Root, "cli-report");
        string[] args = ["evaluate", "--model", clips.Checkpoint, "--data", clips.Videos, "--pairs", "3", "--seed", "5",
            "--clip", EvaluationClips.Clip, "--json", "--report", report];
        CliResult result = CliRunner.Run(args);
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        Assert.Equal(3, doc.RootElement.GetProperty("pairs").GetInt32());
        Assert.True(doc.RootElement.GetProperty("ratio_to_identity").GetDouble() > 0);
        foreach (string row in new[] { "identity", "untrained", "model" })
            foreach (string column in new[] { "loss", "psnr", "ssim", "psnri", "diversity", "psnri_median", "psnri_p10", "win_rate" })
                Assert.Equal(JsonValueKind.Number, doc.RootElement.GetProperty(row).GetProperty(column).ValueKind);
        Assert.Contains("skipped", result.Error);
        Assert.Contains("broken.mp4", result.Error);
        JsonElement perPair = doc.RootElement.GetProperty("per_pair");
        Assert.Equal(3, perPair.GetArrayLength());
        double wins = perPair.EnumerateArray().Count(p => p.GetProperty("psnri").GetDouble() > 0) / 3.0;
        Assert.Equal(wins, doc.RootElement.GetProperty("model").GetProperty("win_rate").GetDouble(), 12);
        foreach (string file in new[] { "report.md", "report.json", "scores.png", "pairs.png" })
            Assert.True(File.Exists(Path.Combine(report, file)), file);
        Assert.Equal(result.Output.Trim(), File.ReadAllText(Path.Combine(report, "report.json")).Trim());

        CliResult again = CliRunner.Run(args);
        Assert.Equal(ExitCodes.OutputExists, again.ExitCode);
        Assert.Contains("--force", again.Error);
        Assert.DoesNotContain("skipped", again.Error);   // refused before evaluating (issue 19, item 9), not after
        Assert.Equal("", again.Output);
    }

    /// <summary>
    /// --against scores a second model on the same pairs: its row and per-pair PSNRi are what evaluating it alone gives,
    /// and the comparison counts the pairs each way; a model against itself is level on every pair.
    /// </summary>
    [Fact]
    public void Evaluate_against_a_reference_scores_it_on_the_same_pairs_and_counts_the_pairs_each_way()
    {
        string other = Path.Combine(clips.Root, "other.ckpt");
        lock (clips)
            if (!File.Exists(other))
            {
                TorchSharp.torch.manual_seed(11);
                using var random = Centrifuge.Models.CentrifugeModel.Create(Centrifuge.Models.ModelPresets.Get("tiny") with { Layers = 3 });
                Centrifuge.Models.ModelCheckpoint.Save(random, other);
            }
        string[] common = ["--data", clips.Videos, "--pairs", "4", "--seed", "3", "--clip", EvaluationClips.Clip];
        string report = Path.Combine(clips.Root, "against-report");

        CliResult compared = CliRunner.Run(["evaluate", "--model", clips.Checkpoint, "--against", other, .. common, "--json", "--report", report]);
        CliResult alone = CliRunner.Run(["evaluate", "--model", other, .. common, "--json"]);
        CliResult itself = CliRunner.Run(["evaluate", "--model", clips.Checkpoint, "--against", clips.Checkpoint, .. common]);

        Assert.True(compared.ExitCode == 0, compared.Error);
        Assert.True(alone.ExitCode == 0, alone.Error);
        using JsonDocument both = JsonDocument.Parse(compared.Output), single = JsonDocument.Parse(alone.Output);
        Assert.Equal(single.RootElement.GetProperty("model").GetProperty("loss").GetDouble(),
            both.RootElement.GetProperty("reference").GetProperty("loss").GetDouble(), 6);
        double[] model = [.. both.RootElement.GetProperty("per_pair").EnumerateArray().Select(p => p.GetProperty("psnri").GetDouble())];
        double[] reference = [.. both.RootElement.GetProperty("per_pair").EnumerateArray().Select(p => p.GetProperty("reference_psnri").GetDouble())];
        double[] referenceAlone = [.. single.RootElement.GetProperty("per_pair").EnumerateArray().Select(p => p.GetProperty("psnri").GetDouble())];
        for (int i = 0; i < 4; i++) Assert.Equal(referenceAlone[i], reference[i], 5);
        JsonElement comparison = both.RootElement.GetProperty("comparison");
        Assert.Equal(model.Zip(reference).Count(p => p.First > p.Second), comparison.GetProperty("better").GetInt32());
        Assert.Equal(model.Zip(reference).Count(p => p.First < p.Second), comparison.GetProperty("worse").GetInt32());
        Assert.False(single.RootElement.TryGetProperty("comparison", out _));
        Assert.False(single.RootElement.GetProperty("per_pair")[0].TryGetProperty("reference_psnri", out _));
        string markdown = File.ReadAllText(Path.Combine(report, "report.md"));
        Assert.Contains("| reference |", markdown);
        Assert.Contains("reference PSNRi (dB)", markdown);
        Assert.Contains("against the reference: better on", markdown);
        // By video pair, the pairs the model wins add up to the comparison's count.
        Assert.Equal(comparison.GetProperty("better").GetInt32(),
            both.RootElement.GetProperty("per_video_pair").EnumerateArray().Sum(g => g.GetProperty("better_than_reference").GetInt32()));
        Assert.Contains("better than the reference", markdown);

        Assert.True(itself.ExitCode == 0, itself.Error);
        Assert.Contains("against the reference: better on 0 of 4 pairs, worse on 0, level on 4", itself.Output);
        Assert.Contains("p = 1", itself.Output);
    }

    /// <summary>
    /// --strength scores the model's layers moved part of the way from the mixture: at 0 the model row is the identity's,
    /// at 0.5 each pair's loss is at most the mean of the identity's and the model's at full strength, and at auto (a
    /// strength of each pair's own in [0.25, 1]) at most the larger of the two.
    /// </summary>
    [Fact]
    public void Evaluate_at_a_lower_strength_scores_each_pair_within_the_identity_and_the_model()
    {
        string[] common = ["evaluate", "--model", clips.Checkpoint, "--data", clips.Videos, "--pairs", "4", "--seed", "3", "--clip", EvaluationClips.Clip];
        CliResult full = CliRunner.Run([.. common, "--json"]);
        CliResult half = CliRunner.Run([.. common, "--json", "--strength", "0.5"]);
        CliResult auto = CliRunner.Run([.. common, "--json", "--strength", "auto"]);
        CliResult none = CliRunner.Run([.. common, "--strength", "0"]);
        CliResult bad = CliRunner.Run([.. common, "--strength", "-1"]);
        Assert.True(full.ExitCode == 0, full.Error);
        Assert.True(half.ExitCode == 0, half.Error);
        Assert.True(auto.ExitCode == 0, auto.Error);
        Assert.True(none.ExitCode == 0, none.Error);
        using JsonDocument f = JsonDocument.Parse(full.Output), h = JsonDocument.Parse(half.Output), a = JsonDocument.Parse(auto.Output);
        Assert.Equal(1, f.RootElement.GetProperty("strength").GetDouble());
        Assert.Equal(0.5, h.RootElement.GetProperty("strength").GetDouble());
        Assert.False(f.RootElement.TryGetProperty("adaptive_strength", out _));
        Assert.Equal(0.25, a.RootElement.GetProperty("adaptive_strength").GetProperty("low").GetDouble());
        JsonElement[] fullPairs = [.. f.RootElement.GetProperty("per_pair").EnumerateArray()];
        JsonElement[] halfPairs = [.. h.RootElement.GetProperty("per_pair").EnumerateArray()];
        JsonElement[] autoPairs = [.. a.RootElement.GetProperty("per_pair").EnumerateArray()];
        for (int i = 0; i < 4; i++)
        {
            double identity = fullPairs[i].GetProperty("identity_loss").GetDouble(), model = fullPairs[i].GetProperty("loss").GetDouble();
            Assert.Equal(identity, halfPairs[i].GetProperty("identity_loss").GetDouble(), 6);
            Assert.True(halfPairs[i].GetProperty("loss").GetDouble() <= (identity + model) / 2 + 1e-6);
            Assert.True(autoPairs[i].GetProperty("loss").GetDouble() <= Math.Max(identity, model) + 1e-6);
            // Each pair's own strength under auto, within the rule's range; and its loss within that strength's bound.
            double s = autoPairs[i].GetProperty("strength").GetDouble();
            Assert.InRange(s, 0.25, 1);
            Assert.True(autoPairs[i].GetProperty("loss").GetDouble() <= (1 - s) * identity + s * model + 1e-6);
            Assert.False(halfPairs[i].TryGetProperty("strength", out _));
        }
        // The untrained row is not affected.
        Assert.Equal(f.RootElement.GetProperty("untrained").GetProperty("loss").GetDouble(),
            h.RootElement.GetProperty("untrained").GetProperty("loss").GetDouble(), 6);
        Assert.Contains("model loss / identity loss = 1.000 on 4 pairs (model at strength 0)", none.Output);
        string autoText = CliRunner.Run([.. common, "--strength", "auto"]).Output;
        Assert.Contains("(model at strength auto)", autoText);
        double[] pairStrengths = [.. autoPairs.Select(p => p.GetProperty("strength").GetDouble())];
        Assert.Contains($"model strength auto: mean {pairStrengths.Average().ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}; {pairStrengths.Count(v => v <= 0.25 + 1e-9)} of 4 pairs at the rule's low 0.25, " +
                        $"{pairStrengths.Count(v => v >= 1 - 1e-9)} at 1", autoText);
        Assert.Contains("model win rate 0 % over the 4 pairs, 0 % with each of the", none.Output);

        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("--strength -1:", bad.Error);

        // A model file that records a strength is scored at it, and so is a reference that records one, unless
        // --strength says otherwise for both: the reference at 0.5 scores as the model at --strength 0.5 did.
        using var dir = new TempDir();
        string recorded = dir.File("half.ckpt");
        ModelCheckpoint.RecordStrength(clips.Checkpoint, recorded, new StrengthSetting(0.5), force: false);
        CliResult own = CliRunner.Run([.. common[..2], recorded, .. common[3..], "--json", "--against", recorded]);
        CliResult asked = CliRunner.Run([.. common[..2], recorded, .. common[3..], "--json", "--against", recorded, "--strength", "1"]);
        Assert.True(own.ExitCode == 0, own.Error);
        Assert.True(asked.ExitCode == 0, asked.Error);
        using JsonDocument o = JsonDocument.Parse(own.Output), k = JsonDocument.Parse(asked.Output);
        Assert.Equal(0.5, o.RootElement.GetProperty("strength").GetDouble());
        Assert.Equal(0.5, o.RootElement.GetProperty("reference_strength").GetProperty("fixed").GetDouble());
        Assert.Equal(h.RootElement.GetProperty("model").GetProperty("loss").GetDouble(), o.RootElement.GetProperty("reference").GetProperty("loss").GetDouble(), 6);
        Assert.Equal(1, k.RootElement.GetProperty("strength").GetDouble());
        Assert.Equal(f.RootElement.GetProperty("model").GetProperty("loss").GetDouble(), k.RootElement.GetProperty("reference").GetProperty("loss").GetDouble(), 6);
    }

    [Fact]
    public void Evaluate_names_a_missing_checkpoint_and_a_bad_clip_in_one_line()
    {
        CliResult missing = CliRunner.Run("evaluate", "--model", Path.Combine(clips.Root, "nope.ckpt"), "--data", clips.Videos);
        Assert.Equal(ExitCodes.MissingInput, missing.ExitCode);
        Assert.Contains("nope.ckpt", missing.Error);
        Assert.Single(missing.Error.Trim().Split('\n'));

        CliResult clip = CliRunner.Run("evaluate", "--model", clips.Checkpoint, "--data", clips.Videos, "--clip", "8,32");
        Assert.Equal(ExitCodes.Usage, clip.ExitCode);
        Assert.Contains("T,H,W", clip.Error);
    }

    /// <summary>Issue 29: evaluate runs libtorch with the threads --threads names (read from libtorch after the command).</summary>
    [Fact]
    public void Evaluate_runs_libtorch_with_the_threads_it_was_given()
    {
        int before = TorchSharp.torch.get_num_threads();
        try
        {
            int threads = before == 1 ? 2 : 1;
            CliResult result = CliRunner.Run("evaluate", "--model", clips.Checkpoint, "--data", clips.Videos, "--pairs", "1",
                "--clip", EvaluationClips.Clip, "--json", "--threads", threads.ToString());
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Equal(threads, TorchSharp.torch.get_num_threads());
        }
        finally
        {
            TorchSharp.torch.set_num_threads(before);
        }
    }
}

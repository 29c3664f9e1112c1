using System.Text.Json;
using System.Text.RegularExpressions;
using Centrifuge.Inference.Demo;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Inference.Demo;

[CollectionDefinition("Demo")]
public sealed class DemoCollection : ICollectionFixture<DemoFixture>;

[Collection("Demo")]
public partial class DemoCommandTests(DemoFixture demo)
{
    private static readonly string[] SeparateOutputs =
        ["layer-1.mp4", "layer-2.mp4", "pair-a.mp4", "pair-b.mp4", "preview.mp4", "contact.png", "summary.json"];

    [SkippableFact]
    public void Writes_the_inputs_the_blend_and_the_real_video_with_every_separate_output()
    {
        string root = demo.RequireOutput();
        Assert.Equal(["blend", "index.html", "inputs", "real"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName).Order());
        Assert.Equal(["VID_20191220_170832.mp4", "cockatoo.mp4", "tree.mp4"],
            Directory.GetFiles(Path.Combine(root, "inputs")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string folder in new[] { "blend/cockatoo+tree", "real/VID_20191220_170832" })
            Assert.Equal(SeparateOutputs.Order(), Directory.GetFiles(Path.Combine(root, folder)).Select(Path.GetFileName).Order());
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Path.GetDirectoryName(root)!), e => Path.GetFileName(e).Contains(".tmp-"));
        Assert.Contains($"Open {Path.Combine(root, "index.html")}", demo.Result!.Output);
    }

    [SkippableFact]
    public void Excerpts_are_capped_and_every_layer_has_the_excerpts_frame_count()
    {
        string root = demo.RequireOutput();
        int Excerpt(string sample, string name)
        {
            VideoInfo original = VideoProbe.Probe(Repo.RequireSample(sample));
            VideoInfo excerpt = VideoProbe.Probe(Path.Combine(root, "inputs", name));
            int expected = Math.Min(original.Frames, (int)Math.Round(DemoFixture.Seconds * original.Fps));
            Assert.Equal(expected, excerpt.Frames);
            Assert.Equal(32, Math.Min(excerpt.Width, excerpt.Height));
            Assert.Equal("h264", excerpt.Codec);
            return expected;
        }
        int a = Excerpt("python3-imageio/cockatoo.mp4", "cockatoo.mp4"), b = Excerpt("opencv-doc/tree.avi", "tree.mp4");
        int real = Excerpt("forensics-samples-files/VID_20191220_170832.mp4", "VID_20191220_170832.mp4");

        foreach ((string folder, int frames) in new[] { ("blend/cockatoo+tree", Math.Min(a, b)), ("real/VID_20191220_170832", real) })
        {
            foreach (string video in new[] { "layer-1.mp4", "layer-2.mp4", "pair-a.mp4", "pair-b.mp4", "preview.mp4" })
                Assert.Equal(frames, VideoProbe.Probe(Path.Combine(root, folder, video)).Frames);
            string json = File.ReadAllText(Path.Combine(root, folder, "summary.json"));
            Assert.DoesNotContain(".tmp-", json);   // paths name the finished demo, not its temporary folder
            Assert.Contains(Path.Combine(root, "inputs"), json);
            using JsonDocument summary = JsonDocument.Parse(json);
            Assert.Equal(frames, summary.RootElement.GetProperty("frames").GetInt32());
            Assert.Equal(folder.StartsWith("blend", StringComparison.Ordinal), summary.RootElement.TryGetProperty("metrics", out _));
        }
    }

    [SkippableFact]
    public void The_page_references_only_files_that_exist_and_shows_every_video_and_the_metrics()
    {
        string root = demo.RequireOutput();
        string html = File.ReadAllText(Path.Combine(root, "index.html"));
        string[] references = Reference().Matches(html).Select(m => m.Groups[2].Value).ToArray();
        Assert.NotEmpty(references);
        foreach (string reference in references)
        {
            Assert.DoesNotMatch("^(/|[a-z]+:)", reference);   // relative only: no server, no external assets
            string file = Path.Combine(root, Uri.UnescapeDataString(reference));
            Assert.True(File.Exists(file), $"index.html references {reference}, which does not exist");
        }
        string[] videos = VideoTag().Matches(html).Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).ToArray();
        Assert.Equal(
            ["blend/cockatoo+tree/layer-1.mp4", "blend/cockatoo+tree/layer-2.mp4", "blend/cockatoo+tree/preview.mp4",
             "inputs/VID_20191220_170832.mp4", "inputs/cockatoo.mp4", "inputs/tree.mp4",
             "real/VID_20191220_170832/layer-1.mp4", "real/VID_20191220_170832/layer-2.mp4", "real/VID_20191220_170832/preview.mp4"],
            videos.Order(StringComparer.Ordinal));
        Assert.Equal(2, Regex.Matches(html, "contact\\.png").Count);

        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "blend/cockatoo+tree/summary.json")));
        JsonElement metrics = summary.RootElement.GetProperty("metrics");
        Assert.Contains(metrics.GetProperty("loss").GetDouble().ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), html);
        Assert.Contains(metrics.GetProperty("ssim").GetDouble().ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), html);
        Assert.True(DemoPage.IsDemoPage(Path.Combine(root, "index.html")));
    }

    [Fact]
    public void A_missing_model_fails_in_one_line_before_anything_is_written()
    {
        string outDir = demo.File("never-written");
        CliResult result = CliRunner.Run("demo", "--out", outDir, "--model", demo.File("missing.ckpt"));
        Assert.Equal(ExitCodes.MissingInput, result.ExitCode);
        Assert.Equal($"centrifuge: error: {demo.File("missing.ckpt")}: no such model checkpoint", result.Error.TrimEnd('\n'));
        Assert.False(Directory.Exists(outDir));
    }

    [SkippableFact]
    public void Without_a_shipped_model_the_demo_says_so_in_one_line()
    {
        CentrifugeException? missing = null;
        try { ShippedModel.Resolve(); } catch (CentrifugeException e) { missing = e; }
        Skip.If(missing is null, $"{ShippedModel.RelativePath} exists: the demo runs on it");
        string outDir = demo.File("no-model");
        CliResult result = CliRunner.Run("demo", "--out", outDir);
        Assert.Equal(missing!.ExitCode, result.ExitCode);
        Assert.Equal($"centrifuge: error: {missing.Message}", result.Error.TrimEnd('\n'));   // one line: what is missing and the fix
        Assert.Contains("--model", missing.Message);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void An_existing_folder_is_refused_without_force_and_a_foreign_one_even_with_force()
    {
        string outDir = demo.File("taken");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "mine\n");
        CliResult plain = demo.Run(outDir);
        Assert.Equal(ExitCodes.OutputExists, plain.ExitCode);
        Assert.Contains("--force", plain.Error);
        CliResult forced = demo.Run(outDir, "--force");
        Assert.Equal(ExitCodes.OutputExists, forced.ExitCode);
        Assert.Contains("not a previous demo", forced.Error);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName));
    }

    [SkippableFact]
    public void Force_replaces_a_previous_demo()
    {
        demo.RequireOutput();
        string outDir = demo.File("previous");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "index.html"), $"<!DOCTYPE html>\n<html><head>{DemoPage.Generator}</head></html>\n");
        File.WriteAllText(Path.Combine(outDir, "stale.txt"), "from an older demo\n");
        CliResult result = demo.Run(outDir, "--force");
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.False(File.Exists(Path.Combine(outDir, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(outDir, "real/VID_20191220_170832/layer-1.mp4")));
        Assert.Single(Directory.GetFileSystemEntries(demo.File("")), e => Path.GetFileName(e).StartsWith("previous", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void At_a_lower_strength_the_page_names_it_and_every_summary_records_it()
    {
        demo.RequireOutput();
        string outDir = demo.File("mild");
        CliResult result = demo.Run(outDir, "--strength", "0.5");
        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        Assert.Contains("tiny.ckpt at --strength 0.5", File.ReadAllText(Path.Combine(outDir, "index.html")));
        foreach (string summary in Directory.GetFiles(outDir, "summary.json", SearchOption.AllDirectories))
            Assert.Contains("\"strength\": 0.5", File.ReadAllText(summary));
        Assert.Equal(2, Directory.GetFiles(outDir, "summary.json", SearchOption.AllDirectories).Length);

        // A model file that records a strength: the demo runs at it and the page says where it came from.
        string recorded = demo.File("half.ckpt");
        Centrifuge.Models.ModelCheckpoint.RecordStrength(demo.TinyModel, recorded, new Centrifuge.Models.StrengthSetting(0.5), force: false);
        string own = demo.File("recorded");
        CliResult byFile = demo.RunModel(recorded, own);
        Assert.True(byFile.ExitCode == 0, byFile.Error + byFile.Output);
        Assert.Contains("half.ckpt at strength 0.5 (the default its file records)", File.ReadAllText(Path.Combine(own, "index.html")));
        Assert.All(Directory.GetFiles(own, "summary.json", SearchOption.AllDirectories), f => Assert.Contains("\"strength\": 0.5", File.ReadAllText(f)));
    }

    [GeneratedRegex("(src|href)=\"([^\"]+)\"")]
    private static partial Regex Reference();

    [GeneratedRegex("<video [^>]*src=\"([^\"]+)\"")]
    private static partial Regex VideoTag();
}

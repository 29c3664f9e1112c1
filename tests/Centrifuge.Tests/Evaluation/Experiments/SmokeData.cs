using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;

namespace Centrifuge.Tests.Evaluation.Experiments;

/// <summary>
/// Generated clips for the experiment smoke tests, made once per test run and shared read-only: 11 tiny videos in two
/// class folders (a/, b/), and a tiny-preset checkpoint for the protocols that can take a trained model.
/// </summary>
public static class SmokeData
{
    private static readonly Lazy<string> Folder = new(Create);

    public static string Root => Folder.Value;
    public static string Videos => Path.Combine(Root, "videos");
    public static string Checkpoint => Path.Combine(Root, "tiny.ckpt");

    /// <summary>The smoke command line: tiny preset, 1 iteration per model, 2 test pairs, 4 x 24 x 24 clips.</summary>
    public static string[] Args(string name, string output, params string[] extra) =>
    [
        "experiment", name, "--data", Videos, "--out", output, "--preset", "tiny", "--max-iterations", "1",
        "--pairs", "2", "--budget-minutes", "1", "--clip", "4,24,24", .. extra,
    ];

    private static string Create()
    {
        TorchRuntime.EnsureLoaded();
        string root = Directory.CreateTempSubdirectory("centrifuge-smoke-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        // 11: a fifth held out is 3 videos, enough for the 3-video blends of k-layers without blending a video with itself.
        string[] sources = ["testsrc2", "mandelbrot", "smptebars", "rgbtestsrc", "cellauto", "life=mold=10:ratio=0.5", "testsrc", "yuvtestsrc",
            "smptehdbars", "gradients", "sierpinski"];
        for (int i = 0; i < sources.Length; i++)
            EvaluationClips.Generate(Path.Combine(root, "videos", i % 2 == 0 ? "a" : "b", $"clip{i}.mkv"), sources[i], 40, 32, 10);
        torch.manual_seed(11);
        using var model = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        ModelCheckpoint.Save(model, Path.Combine(root, "tiny.ckpt"));
        return root;
    }
}

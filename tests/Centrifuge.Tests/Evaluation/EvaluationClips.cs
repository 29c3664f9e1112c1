using System.Diagnostics;
using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;

namespace Centrifuge.Tests.Evaluation;

/// <summary>
/// Shared fixture: a folder of tiny generated clips (lavfi testsrc2, mandelbrot, life, smptebars, rgbtestsrc, cellauto)
/// plus one unreadable file, and a tiny-preset model checkpoint. Built once per test class.
/// </summary>
public sealed class EvaluationClips : IDisposable
{
    public const string Clip = "8,32,32";

    public string Root { get; } = Directory.CreateTempSubdirectory("centrifuge-eval-").FullName;
    public string Videos => Path.Combine(Root, "videos");
    public string Broken => Path.Combine(Videos, "broken.mp4");
    public string Checkpoint => Path.Combine(Root, "tiny.ckpt");

    public EvaluationClips()
    {
        TorchRuntime.EnsureLoaded();
        Directory.CreateDirectory(Videos);
        string[] sources = ["testsrc2", "mandelbrot", "life=mold=10:ratio=0.5", "smptebars", "rgbtestsrc", "cellauto"];
        for (int i = 0; i < sources.Length; i++)
            Generate(Path.Combine(Videos, $"clip{i}.mkv"), sources[i], 48, 40, 14);
        File.WriteAllText(Broken, "this is not a video");
        torch.manual_seed(7);
        using var model = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        ModelCheckpoint.Save(model, Checkpoint);
    }

    private readonly Dictionary<string, object> _cache = new();

    /// <summary>A value computed once per fixture (expensive evaluations shared by several tests).</summary>
    public T Cached<T>(string key, Func<T> compute) where T : notnull
    {
        lock (_cache)
        {
            if (!_cache.TryGetValue(key, out object? value)) _cache[key] = value = compute();
            return (T)value;
        }
    }

    public static void Generate(string path, string source, int width, int height, int frames)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string input = source.Contains('=') ? $"{source}:size={width}x{height}:rate=25" : $"{source}=size={width}x{height}:rate=25";
        var info = new ProcessStartInfo("ffmpeg", $"-nostdin -v error -y -f lavfi -i {input} -frames:v {frames} -c:v ffv1 \"{path}\"")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {source}: {err.Result}");
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

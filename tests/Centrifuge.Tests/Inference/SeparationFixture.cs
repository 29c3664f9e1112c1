using System.Diagnostics;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using TorchSharp;

namespace Centrifuge.Tests.Inference;

/// <summary>
/// Shared by the separation tests: small generated clips (ffmpeg lavfi) and a tiny untrained model checkpoint,
/// made once per test class.
/// </summary>
public sealed class SeparationFixture : IDisposable
{
    private readonly TempDir _dir = new();

    /// <summary>testsrc2, 64x48 at 12 fps, 30 frames.</summary>
    public string Testsrc { get; }
    /// <summary>mandelbrot, 80x48 at 10 fps, 13 frames (shorter than a default window).</summary>
    public string Mandelbrot { get; }
    /// <summary>testsrc2 and mandelbrot of the same size and rate, for blends: 64x48 at 12 fps, 30 frames.</summary>
    public string BlendA { get; }
    public string BlendB { get; }
    /// <summary>A text file named like a video.</summary>
    public string NotAVideo { get; }
    /// <summary>The "tiny" preset, untrained, saved with ModelCheckpoint.</summary>
    public string TinyModel { get; }

    public SeparationFixture()
    {
        TorchRuntime.EnsureLoaded();
        Testsrc = Generate("testsrc.mp4", "testsrc2=size=64x48:rate=12", 30);
        Mandelbrot = Generate("mandel.mp4", "mandelbrot=size=80x48:rate=10", 13);
        BlendA = Testsrc;
        BlendB = Generate("mandel-blend.mp4", "mandelbrot=size=64x48:rate=12", 30);
        NotAVideo = _dir.File("notes.mp4");
        File.WriteAllText(NotAVideo, "this is not a video\n");
        TinyModel = _dir.File("tiny.ckpt");
        torch.manual_seed(1);
        using CentrifugeModel model = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        ModelCheckpoint.Save(model, TinyModel);
    }

    public string Generate(string name, string lavfi, int frames)
    {
        string path = _dir.File(name);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", lavfi, "-frames:v", frames.ToString(),
                     "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-y", path })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed to generate {name}: {error}");
        return path;
    }

    public void Dispose() => _dir.Dispose();
}

using System.Diagnostics;

namespace Centrifuge.Tests.Data.Support;

/// <summary>Tiny clips and images generated with ffmpeg's lavfi sources, for the Data tests.</summary>
public static class TestClips
{
    /// <summary>Encodes <paramref name="frames"/> frames of a lavfi source (e.g. "testsrc2", "mandelbrot") to <paramref name="path"/>.</summary>
    public static string Video(string path, string source, int width, int height, int frames, double fps = 25, string codec = "ffv1")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string input = FormattableString.Invariant($"{source}=size={width}x{height}:rate={fps}");
        string encoder = codec == "ffv1" ? "-c:v ffv1" : "-c:v libx264 -preset ultrafast -pix_fmt yuv420p";
        Run($"-f lavfi -i {input} -frames:v {frames} {encoder} \"{path}\"");
        return path;
    }

    /// <summary>One still image (png or jpg by extension) of a lavfi source.</summary>
    public static string Image(string path, string source, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Run($"-f lavfi -i {source}=size={width}x{height}:rate=1 -frames:v 1 \"{path}\"");
        return path;
    }

    /// <summary>A folder of numbered frames frame_0001.png ... of a lavfi source, optionally grayscale.</summary>
    public static string FrameFolder(string dir, string source, int width, int height, int frames, bool gray = false)
    {
        Directory.CreateDirectory(dir);
        string format = gray ? " -pix_fmt gray" : "";
        Run($"-f lavfi -i {source}=size={width}x{height}:rate=25 -frames:v {frames}{format} \"{Path.Combine(dir, "frame_%04d.png")}\"");
        return dir;
    }

    /// <summary>Runs ffmpeg quietly; throws with its stderr on failure.</summary>
    public static void Run(string arguments)
    {
        var info = new ProcessStartInfo("ffmpeg", "-nostdin -v error -y " + arguments)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("ffmpeg " + arguments + ": " + err.Result);
    }
}

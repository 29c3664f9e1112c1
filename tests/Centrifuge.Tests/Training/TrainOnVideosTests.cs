using System.Diagnostics;
using Centrifuge.Tests.Support;
using Centrifuge.Training;

namespace Centrifuge.Tests.Training;

[Collection(TrainingFixtures.Collection)]
public sealed class TrainOnVideosTests
{
    /// <summary>
    /// `train` on a plain folder of videos, with no prior `prepare`: the clip cache is built on the way (real ffmpeg
    /// decoding through the Data stage), the run completes, and a second run reuses the cache.
    /// </summary>
    [Fact]
    public void TrainsOnAFolderOfVideosWithoutAPriorPrepare()
    {
        using var dir = new TempDir();
        string videos = Directory.CreateDirectory(dir.File("videos")).FullName;
        string[] sources = ["testsrc2", "mandelbrot", "smptebars", "rgbtestsrc", "life"];
        foreach (string source in sources)
            Ffmpeg("-f", "lavfi", "-i", $"{source}=size=64x48:rate=10", "-frames:v", "20", "-pix_fmt", "yuv420p",
                Path.Combine(videos, source + ".mp4"));
        string cache = dir.File("cache");
        string[] args = ["train", "--data", videos, "--cache", cache, "--preset", "tiny", "--iterations", "3", "--val-every", "3",
            "--clip", "4,16,16", "--batch", "2", "--threads", "1"];

        CliResult first = CliRunner.Run([.. args, "--out", dir.File("run1")]);
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        Assert.Contains("5 decoded", first.Output);
        // Five videos: one is held out, and a blend needs two different ones (issue 19): no validation, said so.
        Assert.Contains("no validation: the validation split has 1 usable source video", first.Output);
        Assert.True(File.Exists(Path.Combine(dir.File("run1"), "best.ckpt")));

        CliResult second = CliRunner.Run([.. args, "--out", dir.File("run2")]);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("0 decoded, 5 reused", second.Output);
    }

    private static void Ffmpeg(params string[] args)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-v", "error", "-y", .. args]) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }
}

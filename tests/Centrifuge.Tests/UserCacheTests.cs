using System.Diagnostics;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests;

/// <summary>
/// Issue 30, case 9e: where the user cache goes when the environment gives no usable home folder. The real CLI in a
/// process of its own (its environment and working folder are its own), probing a Matroska file, which has no frame
/// count in its header: the probe counts the frames and caches the count.
/// </summary>
public sealed class UserCacheTests
{
    [Fact]
    public void Without_a_home_folder_the_cache_goes_to_the_temporary_folder_not_the_working_folder()
    {
        using var dir = new TempDir();
        string video = MakeVideo(dir), work = Folder(dir, "work"), temp = Folder(dir, "tmp");

        CliResult probed = Probe(video, work, start =>
        {
            start.Environment["HOME"] = dir.File("no-such-home");
            start.Environment["TMPDIR"] = temp;
        });

        Assert.True(probed.ExitCode == 0, probed.Error);
        Assert.Empty(Directory.GetFileSystemEntries(work));   // it used to write work/.cache/centrifuge/
        string cache = Assert.Single(Directory.GetDirectories(temp));
        Assert.StartsWith("centrifuge-cache-", Path.GetFileName(cache));
        Assert.Single(Directory.GetFiles(cache, "frame-counts-v*.json"));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_temporary_cache_folder_is_private_and_a_link_planted_in_its_place_is_not_followed()
    {
        using var dir = new TempDir();
        string video = MakeVideo(dir), work = Folder(dir, "work"), temp = Folder(dir, "tmp"), elsewhere = Folder(dir, "elsewhere");
        void NoHome(ProcessStartInfo start)
        {
            start.Environment["HOME"] = dir.File("no-such-home");
            start.Environment["TMPDIR"] = temp;
        }

        Assert.Equal(0, Probe(video, work, NoHome).ExitCode);
        string cache = Assert.Single(Directory.GetDirectories(temp));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache));

        // Someone else's link where the folder would be: the cache goes to a fresh folder, never through the link.
        string name = Path.GetFileName(cache);
        Directory.Delete(cache, recursive: true);
        Directory.CreateSymbolicLink(Path.Combine(temp, name), elsewhere);
        CliResult probed = Probe(video, work, NoHome);
        Assert.True(probed.ExitCode == 0, probed.Error);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
        string fresh = Assert.Single(Directory.GetDirectories(temp), d => new DirectoryInfo(d).LinkTarget is null);
        Assert.StartsWith($"{name}-", Path.GetFileName(fresh));
        Assert.Single(Directory.GetFiles(fresh, "frame-counts-v*.json"));
    }

    [Fact]
    public void XDG_CACHE_HOME_comes_first_and_a_relative_one_is_ignored()
    {
        using var dir = new TempDir();
        string video = MakeVideo(dir), work = Folder(dir, "work"), temp = Folder(dir, "tmp"), xdg = Folder(dir, "xdg");

        CliResult absolute = Probe(video, work, start =>
        {
            start.Environment["HOME"] = dir.File("no-such-home");
            start.Environment["XDG_CACHE_HOME"] = xdg;
        });
        Assert.True(absolute.ExitCode == 0, absolute.Error);
        Assert.Single(Directory.GetFiles(Path.Combine(xdg, "centrifuge"), "frame-counts-v*.json"));

        CliResult relative = Probe(video, work, start =>
        {
            start.Environment["HOME"] = dir.File("no-such-home");
            start.Environment["XDG_CACHE_HOME"] = "relative-cache";
            start.Environment["TMPDIR"] = temp;
        });
        Assert.True(relative.ExitCode == 0, relative.Error);
        Assert.Empty(Directory.GetFileSystemEntries(work));
        Assert.Single(Directory.GetDirectories(temp), d => Path.GetFileName(d).StartsWith("centrifuge-cache-"));
    }

    private static CliResult Probe(string video, string work, Action<ProcessStartInfo> environment)
    {
        using var probe = CliProcess.Start(start =>
        {
            start.WorkingDirectory = work;
            foreach (string variable in new[] { "CENTRIFUGE_CACHE_DIR", "XDG_CACHE_HOME", "CENTRIFUGE_KERNEL_CACHE" }) start.Environment.Remove(variable);
            environment(start);
        }, "probe", video);
        int code = probe.Exit(TimeSpan.FromMinutes(1));
        return new CliResult(code, probe.Output, probe.Error);
    }

    private static string Folder(TempDir dir, string name) => Directory.CreateDirectory(dir.File(name)).FullName;

    // 10 frames of FFV1 in Matroska: no frame count in the header, so the probe counts them (and caches the count).
    private static string MakeVideo(TempDir dir)
    {
        string path = dir.File("clip.mkv");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "10",
                     "-c:v", "ffv1", "-y", path })
            start.ArgumentList.Add(arg);
        using var ffmpeg = Process.Start(start)!;
        string error = ffmpeg.StandardError.ReadToEnd();
        ffmpeg.WaitForExit();
        Assert.True(ffmpeg.ExitCode == 0, error);
        return path;
    }
}

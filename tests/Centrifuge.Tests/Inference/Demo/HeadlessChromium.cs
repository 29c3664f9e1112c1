using System.Diagnostics;

namespace Centrifuge.Tests.Inference.Demo;

/// <summary>Debian's /usr/bin/chromium, headless, with a fresh profile per run and no network chatter.</summary>
public static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    /// <summary>Skips the calling test, visibly, when chromium is not installed (test.sh installs it).</summary>
    public static void Require() =>
        Skip.IfNot(File.Exists(Path), $"{Path} not installed: run scripts/ensure-tools.sh chromium (test.sh does)");

    /// <summary>The DOM after the page's scripts ran for up to <paramref name="virtualMilliseconds"/> of virtual time.</summary>
    public static string DumpDom(string url, int virtualMilliseconds = 10000) =>
        Run(["--dump-dom", $"--virtual-time-budget={virtualMilliseconds}", url]);

    public static void Screenshot(string url, string png, int width = 1280, int height = 2000, int virtualMilliseconds = 5000) =>
        Run([$"--screenshot={png}", $"--window-size={width},{height}", $"--virtual-time-budget={virtualMilliseconds}", "--hide-scrollbars", url]);

    private static string Run(string[] args)
    {
        string profile = Directory.CreateTempSubdirectory("centrifuge-chromium-").FullName;
        try
        {
            var info = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}" })
                info.ArgumentList.Add(arg);
            foreach (string arg in args) info.ArgumentList.Add(arg);
            using Process process = Process.Start(info)!;
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish: {string.Join(' ', args)}");
            }
            Assert.True(process.ExitCode == 0, $"chromium exit code {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

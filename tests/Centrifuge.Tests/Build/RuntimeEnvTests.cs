using System.Diagnostics;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Build;

/// <summary>scripts/lib/runtime-env.sh, which ./centrifuge and test.sh source: tcmalloc preloaded when installed, else nothing.</summary>
public class RuntimeEnvTests
{
    [SkippableFact]
    public void Tcmalloc_is_preloaded_when_installed_and_not_when_turned_off()
    {
        string? library = Ldconfig("libtcmalloc_minimal.so.4");
        Skip.If(library is null, "libtcmalloc-minimal4 is not installed (scripts/ensure-tools.sh installs it as root)");
        Assert.StartsWith(library!, Sourced("echo \"$LD_PRELOAD\""));
        Assert.Equal("", Sourced("echo \"${LD_PRELOAD:-}\"", ("CENTRIFUGE_ALLOCATOR", "glibc")));
        // Sourcing twice (test.sh runs ./centrifuge) preloads it once.
        Assert.Equal(library, Sourced(". scripts/lib/runtime-env.sh; echo \"$LD_PRELOAD\""));
        // A child process started with it reports it.
        Assert.Contains("tcmalloc", Sourced("cat /proc/self/maps | grep -m1 -o libtcmalloc_minimal"));
    }

    [Fact]
    public void Without_tcmalloc_glibc_keeps_freed_blocks_and_plain_glibc_is_left_alone()
    {
        // The fallback, exercised by looking for a library that cannot exist.
        string script = File.ReadAllText(Path.Combine(Repo.Root, "scripts", "lib", "runtime-env.sh")).Replace("libtcmalloc_minimal", "libno-such-malloc");
        Assert.Equal("0|68719476736|", Run(script + "\necho \"$MALLOC_MMAP_MAX_|$MALLOC_TRIM_THRESHOLD_|${LD_PRELOAD:-}\""));
        Assert.Equal("||", Run(script + "\necho \"${MALLOC_MMAP_MAX_:-}|${MALLOC_TRIM_THRESHOLD_:-}|${LD_PRELOAD:-}\"", ("CENTRIFUGE_ALLOCATOR", "glibc")));
    }

    [Fact]
    public void The_allocator_in_use_is_named()
    {
        string allocator = TorchRuntime.Allocator;
        Assert.True(allocator.StartsWith("tcmalloc") || allocator.StartsWith("jemalloc") || allocator.StartsWith("glibc"), allocator);
    }

    [SkippableFact]
    public void The_CLI_run_directly_on_glibc_keeps_freed_blocks_itself()
    {
        // `dotnet Centrifuge.Cli.dll` without ./centrifuge: no tcmalloc, no MALLOC_* variables. The process tunes glibc
        // itself (less of a training step in the kernel); CENTRIFUGE_ALLOCATOR=glibc opts out.
        string dll = CliRunner.ExecutableDll;
        Assert.Contains("glibc, keeping freed blocks", Doctor(dll));
        Assert.Contains("glibc defaults", Doctor(dll, ("CENTRIFUGE_ALLOCATOR", "glibc")));
    }

    private static string Doctor(string dll, params (string Name, string Value)[] environment) =>
        Run($"dotnet '{dll}' doctor 2>&1 | grep -i malloc", environment);

    private static string Sourced(string command, params (string Name, string Value)[] environment) =>
        Run(". scripts/lib/runtime-env.sh; " + command, environment);

    private static string Run(string script, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = Repo.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string name in new[] { "LD_PRELOAD", "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "CENTRIFUGE_ALLOCATOR" })
            start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    private static string? Ldconfig(string name)
    {
        var start = new ProcessStartInfo("/sbin/ldconfig", ["-p"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        string list = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return list.Split('\n').Where(l => l.Contains(name + " ")).Select(l => l.Split("=> ").Last().Trim()).FirstOrDefault(File.Exists);
    }
}

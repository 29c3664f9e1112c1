using Centrifuge.Build;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Build;

public class ElfWeakVersionPatcherTests
{
    private const string Version = "GLIBCXX_3.4.32";

    /// <summary>The unpatched library in the NuGet cache (the build patches only the output copies).</summary>
    private static string OriginalLibrary()
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(cache, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Skip.IfNot(File.Exists(path), $"TorchSharp's native library not found in the NuGet cache at {path}");
        return path;
    }

    [SkippableFact]
    public void Patching_a_real_copy_marks_the_requirement_weak_and_is_idempotent()
    {
        string original = OriginalLibrary();
        using var temp = new TempDir();
        string copy = temp.File("libLibTorchSharp.so");
        File.Copy(original, copy);
        byte[] before = File.ReadAllBytes(copy);

        Assert.False(ElfWeakVersionPatcher.IsWeak(copy, Version));
        Assert.Equal(ElfPatchOutcome.Patched, ElfWeakVersionPatcher.Patch(copy, Version));
        Assert.True(ElfWeakVersionPatcher.IsWeak(copy, Version));
        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfWeakVersionPatcher.Patch(copy, Version));
        Assert.Equal(after, File.ReadAllBytes(copy));

        // Exactly one byte changes: the low byte of vna_flags gains VER_FLG_WEAK (0x2).
        int[] changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.Single(changed);
        Assert.Equal(before[changed[0]] | 0x2, after[changed[0]]);
        Assert.False(ElfWeakVersionPatcher.IsWeak(original, Version)); // the NuGet cache is never touched
    }

    [SkippableFact]
    public void A_version_the_library_does_not_require_is_reported_and_left_alone()
    {
        string original = OriginalLibrary();
        using var temp = new TempDir();
        string copy = temp.File("lib.so");
        File.Copy(original, copy);
        Assert.Equal(ElfPatchOutcome.VersionNotRequired, ElfWeakVersionPatcher.Patch(copy, "GLIBCXX_99.0"));
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));
    }

    [Fact]
    public void The_build_output_copy_used_by_this_process_is_patched()
    {
        string[] copies = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.True(ElfWeakVersionPatcher.IsWeak(c, Version), c));
    }

    [Fact]
    public void A_file_that_is_not_elf_is_refused()
    {
        using var temp = new TempDir();
        string text = temp.File("not.so");
        File.WriteAllText(text, "hello, this is not an ELF file at all, just some text padding it out to 64 bytes.");
        var e = Assert.Throws<InvalidDataException>(() => ElfWeakVersionPatcher.Patch(text, Version));
        Assert.Contains("not an ELF file", e.Message);
    }
}

using System.Text;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests;

/// <summary>The one temp-name-then-rename writer: no partial file on failure, overwrite rules, one-line errors.</summary>
public sealed class AtomicFileTests
{
    [Fact]
    public void Writes_the_file_and_leaves_no_temporary_name_behind()
    {
        using var dir = new TempDir();
        string path = dir.File("out.json");
        AtomicFile.WriteText(path, "{\"a\": 1}\n");
        Assert.Equal("{\"a\": 1}\n", File.ReadAllText(path));
        Assert.Equal(["out.json"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_writer_that_fails_midway_keeps_the_previous_file_and_leaves_no_partial_one()
    {
        using var dir = new TempDir();
        string path = dir.File("model.bin");
        File.WriteAllText(path, "previous");
        var error = Assert.Throws<CentrifugeException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[10_000]);
            stream.Flush();
            throw new IOException("simulated crash mid-write");
        }));
        Assert.Equal(ExitCodes.WriteFailed, error.ExitCode);
        Assert.StartsWith($"{path}: cannot write: simulated crash mid-write", error.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["model.bin"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Our_own_errors_and_programming_errors_pass_through_unchanged()
    {
        using var dir = new TempDir();
        string path = dir.File("x.bin");
        var ours = new CentrifugeException("input.mp4: too short", ExitCodes.DecodeFailed);
        Assert.Same(ours, Assert.Throws<CentrifugeException>(() => AtomicFile.Write(path, _ => throw ours)));
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("bug")));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void An_existing_file_is_replaced_only_when_overwrite_is_allowed()
    {
        using var dir = new TempDir();
        string path = dir.File("report.md");
        AtomicFile.WriteText(path, "one");
        AtomicFile.WriteText(path, "two");
        Assert.Equal("two", File.ReadAllText(path));

        bool called = false;
        var refused = Assert.Throws<CentrifugeException>(() => AtomicFile.Write(path, _ => called = true, overwrite: false));
        Assert.Equal(ExitCodes.OutputExists, refused.ExitCode);
        Assert.Equal($"{path}: already exists", refused.Message);
        Assert.False(called);   // refused before any work is done
        Assert.Equal("two", File.ReadAllText(path));

        string fresh = dir.File("fresh.md");
        AtomicFile.WriteText(fresh, "new", overwrite: false);
        Assert.Equal("new", File.ReadAllText(fresh));
    }

    [SkippableFact]
    public void A_full_disk_is_one_line_naming_the_file()
    {
        Skip.IfNot(File.Exists("/dev/full"), "/dev/full (a device that always answers ENOSPC) is not available");
        using var dir = new TempDir();
        string path = dir.File("big.bin");
        File.WriteAllText(path, "previous");
        var error = Assert.Throws<CentrifugeException>(() => AtomicFile.Write(path, s => s.Write(new byte[1 << 16]),
            openTemp: _ => new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1)));
        Assert.Equal(ExitCodes.WriteFailed, error.ExitCode);
        Assert.Equal($"{path}: no space left on device; the previous file is kept (free some space, then run again)", error.Message);
        Assert.Equal("previous", File.ReadAllText(path));
    }

    [Fact]
    public void A_refused_permission_is_a_write_error_not_a_crash()
    {
        using var dir = new TempDir();
        string path = dir.File("locked.bin");
        var error = Assert.Throws<CentrifugeException>(() => AtomicFile.Write(path, s => s.WriteByte(1),
            openTemp: temp => throw new UnauthorizedAccessException($"Access to the path '{temp}' is denied.")));
        Assert.Equal(ExitCodes.WriteFailed, error.ExitCode);
        Assert.Equal($"{path}: cannot write: permission denied", error.Message);
    }

    [Fact]
    public void A_missing_folder_is_named_in_the_error()
    {
        using var dir = new TempDir();
        string path = dir.File("no/such/folder/a.txt");
        var error = Assert.Throws<CentrifugeException>(() => AtomicFile.WriteText(path, "x"));
        Assert.Equal(ExitCodes.WriteFailed, error.ExitCode);
        Assert.Equal($"{path}: cannot write: folder {Path.GetDirectoryName(path)} does not exist", error.Message);
    }

    [Fact]
    public void Produce_hands_out_a_temporary_name_with_the_extension_and_renames_it()
    {
        using var dir = new TempDir();
        string path = dir.File("frame.png");
        string? seen = null;
        AtomicFile.Produce(path, temp => { seen = temp; File.WriteAllBytes(temp, [1, 2, 3]); }, extension: ".png");
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.NotNull(seen);
        Assert.Equal(dir.Path, Path.GetDirectoryName(seen));
        Assert.EndsWith(".png", seen);
        Assert.True(AtomicFile.IsTemp(seen));
        Assert.False(AtomicFile.IsTemp(path));

        var nothing = Assert.Throws<CentrifugeException>(() => AtomicFile.Produce(dir.File("none.png"), _ => { }));
        Assert.Equal($"{dir.File("none.png")}: nothing was written", nothing.Message);
        Assert.Equal(["frame.png"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_long_name_still_gets_a_temporary_name_that_fits()
    {
        using var dir = new TempDir();
        string name = new string('a', 250) + ".mp4";   // 254 bytes: the final name fits, ".<name>.tmp-..." would not
        string temp = AtomicFile.TempPath(dir.File(name), ".mp4");
        Assert.True(Encoding.UTF8.GetByteCount(Path.GetFileName(temp)) <= TempNames.MaxNameBytes);
        AtomicFile.WriteText(dir.File(name), "x");
        Assert.Equal([name], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_folder_replaces_the_previous_one_only_when_allowed()
    {
        using var dir = new TempDir();
        string final = dir.File("out");
        Directory.CreateDirectory(final);
        File.WriteAllText(Path.Combine(final, "old.txt"), "old");
        string temp = AtomicFile.TempPath(final);
        Directory.CreateDirectory(temp);
        File.WriteAllText(Path.Combine(temp, "new.txt"), "new");

        var refused = Assert.Throws<CentrifugeException>(() => AtomicFile.ReplaceFolder(temp, final, overwrite: false));
        Assert.Equal(ExitCodes.OutputExists, refused.ExitCode);
        Assert.True(File.Exists(Path.Combine(final, "old.txt")));

        AtomicFile.ReplaceFolder(temp, final);
        Assert.Equal(["new.txt"], Directory.GetFiles(final).Select(Path.GetFileName));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Stale_temporary_files_of_a_killed_writer_are_removed()
    {
        using var dir = new TempDir();
        string stale = AtomicFile.TempPath(dir.File("step-1.ckpt"));
        File.WriteAllText(stale, "half");
        File.WriteAllText(dir.File("step-0.ckpt"), "whole");
        AtomicFile.RemoveStaleTemps(dir.Path);
        Assert.Equal(["step-0.ckpt"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    /// <summary>Issue 30, case 9d: a failed write names the file the caller asked for, not the temporary name it was written as.</summary>
    [Fact]
    public void A_failed_write_is_named_by_its_final_path_not_its_temporary_one()
    {
        using var dir = new TempDir();
        string path = dir.File("report.json");
        string? temp = null;
        var error = Assert.Throws<CentrifugeException>(() => AtomicFile.Produce(path, t =>
        {
            temp = t;
            throw new IOException($"Input/output error : '{t}'");   // as .NET words a failed write: with the path it wrote
        }));
        Assert.Equal(ExitCodes.WriteFailed, error.ExitCode);
        Assert.DoesNotContain(Path.GetFileName(temp!), error.Message);
        Assert.Equal($"{path}: cannot write: Input/output error : '{path}'", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}

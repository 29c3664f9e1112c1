using System.Runtime.InteropServices;

namespace Centrifuge;

/// <summary>What a path names once its links are followed.</summary>
public enum FileKind { Missing, Regular, Directory, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>
/// A path's real path (every symbolic link resolved, as realpath(3)) and its file kind (as stat(2)), found without
/// opening it: opening a named pipe blocks until a writer comes, and a link loop has no real path at all.
/// </summary>
public static partial class UnixPaths
{
    /// <summary>The real path of <paramref name="path"/>, or null when it cannot be resolved (a link loop, a dangling link).</summary>
    public static string? RealPath(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return Path.Exists(path) ? Path.GetFullPath(path) : null;
        // A buffer of our own (PATH_MAX): a string malloc'd by libc must be freed by the same allocator, and tcmalloc
        // may be preloaded (scripts/lib/runtime-env.sh).
        byte[] buffer = new byte[MaxPath];
        if (Native.realpath(path, buffer) == IntPtr.Zero) return null;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, Array.IndexOf(buffer, (byte)0));
    }

    /// <summary>What <paramref name="path"/> names, following links; <see cref="FileKind.Missing"/> when nothing (or a loop).</summary>
    public static FileKind KindOf(string path)
    {
        if (!OperatingSystem.IsLinux())
            return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        // struct statx has one layout on every Linux architecture; stx_mode is the u16 at byte 28.
        byte[] buffer = new byte[256];
        if (Native.statx(AtCurrentFolder, path, 0, StatxType, buffer) != 0) return FileKind.Missing;
        int type = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        return type switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
    }

    /// <summary>How a message names a kind that is not a file: "a named pipe (FIFO)", "a device", "a socket".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.CharacterDevice or FileKind.BlockDevice => "a device",
        FileKind.Socket => "a socket",
        FileKind.Directory => "a directory",
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        _ => "not a regular file",
    };

    private const int MaxPath = 4096;           // PATH_MAX
    private const int AtCurrentFolder = -100;   // AT_FDCWD
    private const uint StatxType = 0x1;         // STATX_TYPE

    private static partial class Native
    {
        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr realpath(string path, [Out] byte[] resolved);

        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int statx(int folder, string path, int flags, uint mask, [Out] byte[] buffer);
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Centrifuge.Video;

/// <summary>
/// Counts the frames of a video's first video stream by decoding it (headers count packets, index entries or
/// nothing at all, and are wrong on real files), exactly as a <see cref="VideoReader"/> would deliver them: every
/// frame ffmpeg can decode, concealing damage rather than stopping at it, with the first decode error kept. Answers
/// are cached in memory and in a small JSON file (keyed by full path, size and modification time), so each file is
/// decoded once.
/// </summary>
internal static class FrameCounter
{
    /// <summary>Frames = every frame ffmpeg decodes (damaged ones concealed); Error = its first decode error, null when clean.</summary>
    internal sealed record Count(int Frames, string? Error);

    /// <summary>Bumped when the counting method changes, so older cached answers are not reused.</summary>
    private const int Version = 3;

    private static readonly ConcurrentDictionary<string, Count> Memory = new();
    private static readonly object FileLock = new();
    private const int MaxCachedFiles = 2000;

    /// <summary>The cache file: frame-counts-vN.json in $CENTRIFUGE_CACHE_DIR or $XDG_CACHE_HOME/centrifuge or ~/.cache/centrifuge.</summary>
    // One file per counting version: a process running another version rewrites its file with its own record shape,
    // which would turn this version's answers into zeros if they shared one.
    public static string CacheFile => Path.Combine(UserCache.Folder, $"frame-counts-v{Version}.json");

    public static Count Get(string path)
    {
        var file = new FileInfo(path);
        string key = string.Create(CultureInfo.InvariantCulture,
            $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}|v{Version}");
        if (Memory.TryGetValue(key, out Count? known)) return known;
        Dictionary<string, Count> stored = LoadFile();
        if (stored.TryGetValue(key, out known))
        {
            Memory[key] = known;
            return known;
        }
        Count counted = Decode(path);
        Memory[key] = counted;
        Store(key, counted);
        return counted;
    }

    // Decodes to one grey byte per frame (the same pipeline shape as the reader: passthrough timing, rawvideo) and
    // counts bytes. No -xerror: ffmpeg conceals damage and goes on, as the reader does, so both see the same frames.
    private static Count Decode(string path)
    {
        string[] args = ["-nostdin", "-hide_banner", "-v", "error", "-i", path, "-map", "0:v:0", "-an", "-sn", "-dn",
            "-vf", "scale=1:1:flags=neighbor", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"];
        using FfmpegProcess process = FfmpegProcess.Start(FfmpegInstallation.Default.FfmpegPath, args);
        long frames = 0;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = process.StandardOutput.Read(buffer, 0, buffer.Length)) > 0) frames += read;
        int code = process.WaitForExit(out string stderr);
        string? error = code != 0 || stderr.Trim().Length > 0
            ? (FfmpegProcess.FirstLine(stderr) is { Length: > 0 } line ? line : $"ffmpeg exited with code {code}")
            : null;
        return new Count((int)frames, error);
    }

    private static Dictionary<string, Count> LoadFile()
    {
        lock (FileLock)
        {
            try
            {
                if (!File.Exists(CacheFile)) return [];
                return JsonSerializer.Deserialize<Dictionary<string, Count>>(File.ReadAllText(CacheFile), JsonDefaults.Options) ?? [];
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                return [];   // a broken or unreadable cache only costs a recount
            }
        }
    }

    private static void Store(string key, Count count)
    {
        lock (FileLock)
        {
            try
            {
                Dictionary<string, Count> stored = LoadFile();
                if (stored.Count >= MaxCachedFiles) stored.Clear();
                stored[key] = count;
                string target = CacheFile;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                AtomicFile.WriteText(target, JsonSerializer.Serialize(stored, JsonDefaults.Options));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CentrifugeException)
            {
                // The cache is an optimisation: a read-only home folder must not break probing.
            }
        }
    }
}

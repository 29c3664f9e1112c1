using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;

namespace Centrifuge.Data;

/// <summary>
/// The decoded-clip cache `centrifuge prepare` builds: a folder with index.json and one uint8 RGB file per video
/// ([frames, H, W, 3], no header) under clips/. Reading memory-maps the files, so crops are copied straight out of
/// the page cache; at most <see cref="MaxMapped"/> files are mapped at once (least recently used are unmapped). Each
/// clip's checksum is checked the first time this process reads it: a damaged one is rebuilt from its video (as
/// prepare does, reported and counted in <see cref="Rebuilt"/>) or, without a decoder, refused; never used.
/// </summary>
public sealed class ClipCache : IFrameStore
{
    public const string IndexFile = "index.json";
    public const string ClipsFolder = "clips";
    public const int MaxMapped = 1024;

    private readonly object _gate = new();
    private readonly Dictionary<int, Mapping> _mapped = new();
    private readonly Lazy<Dictionary<string, int>> _byId;
    private readonly bool[] _checked;
    private readonly ISourceDecoder? _rebuildFrom;
    private readonly IRunEvents? _events;
    private long _clock;
    private bool _disposed;

    /// <summary>Clips found damaged when read (checksum mismatch) and rebuilt from their videos by this process.</summary>
    public int Rebuilt { get; private set; }

    public string Folder { get; }
    public CacheIndex Index { get; }
    public IReadOnlyList<CacheEntry> Entries => Index.Entries;
    public IReadOnlyList<StoredVideo> Videos { get; }

    private ClipCache(string folder, CacheIndex index, ISourceDecoder? rebuildFrom, IRunEvents? events, bool checkOnRead)
    {
        Folder = folder;
        Index = index;
        _rebuildFrom = rebuildFrom;
        _events = events;
        _checked = Enumerable.Repeat(!checkOnRead, index.Entries.Count).ToArray();
        Videos = index.Entries.Select(e => e.ToStored()).ToList();
        _byId = new(() => Enumerable.Range(0, index.Entries.Count).ToDictionary(i => index.Entries[i].Id, StringComparer.Ordinal));
    }

    /// <summary>Opens a cache; entries whose data file is missing or has the wrong size are left out (prepare rebuilds them).</summary>
    /// <param name="rebuildFrom">decodes a clip found damaged when it is read again from its video; null: such a clip is an error</param>
    /// <param name="events">told of each clip rebuilt (a note)</param>
    /// <param name="checkOnRead">false when every checksum was just verified (a prepare with checksums)</param>
    public static ClipCache Open(string folder, ISourceDecoder? rebuildFrom = null, IRunEvents? events = null, bool checkOnRead = true)
    {
        CacheIndex index = ReadIndex(folder)
            ?? throw new CentrifugeException($"{folder}: not a clip cache (no {IndexFile})", ExitCodes.MissingInput)
            { Remedy = Remedy.PrepareCache, RemedyDetail = folder };
        var usable = index.Entries.Where(e => HasExpectedSize(folder, e)).ToList();
        return new ClipCache(Path.GetFullPath(folder), index with { Entries = usable }, rebuildFrom, events, checkOnRead);
    }

    /// <summary>The index, or null when the folder has none. A damaged index is an error naming the file.</summary>
    public static CacheIndex? ReadIndex(string folder)
    {
        string path = Path.Combine(folder, IndexFile);
        if (!File.Exists(path)) return null;
        try
        {
            CacheIndex index = JsonDefaults.Deserialize<CacheIndex>(File.ReadAllText(path));
            if (index.Version != CacheIndex.CurrentVersion)
                throw new CentrifugeException($"{path}: cache version {index.Version}, expected {CacheIndex.CurrentVersion}; delete the folder and prepare again", ExitCodes.InvalidInput);
            return index;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new CentrifugeException($"{path}: not a valid cache index ({e.Message.Split('\n')[0]}); delete it and prepare again", ExitCodes.InvalidInput, e);
        }
    }

    /// <summary>The expected data size of an entry: frames x H x W x 3.</summary>
    public static long ExpectedBytes(CacheEntry e) => (long)e.Frames * e.Height * e.Width * 3;

    /// <summary>True when the entry's data file exists with exactly the expected size.</summary>
    public static bool HasExpectedSize(string folder, CacheEntry e)
    {
        var info = new FileInfo(Path.Combine(folder, e.File));
        return info.Exists && info.Length == ExpectedBytes(e) && e.Bytes == info.Length;
    }

    /// <summary>True when the entry's data file has the expected size and checksum.</summary>
    public static bool Verify(string folder, CacheEntry e)
    {
        if (!HasExpectedSize(folder, e)) return false;
        using FileStream stream = File.OpenRead(Path.Combine(folder, e.File));
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == e.Checksum;
    }

    /// <summary>The index of the cached entry for a source, or -1.</summary>
    public int Find(VideoSource source) => _byId.Value.TryGetValue(source.Id, out int i) ? i : -1;

    public unsafe void CopyCrop(int video, ReadOnlySpan<int> frames, CropBox box, Span<byte> destination)
    {
        CacheEntry e = Index.Entries[video];
        if (box.X < 0 || box.Y < 0 || box.X + box.Width > e.Width || box.Y + box.Height > e.Height)
            throw new ArgumentOutOfRangeException(nameof(box), $"{box} outside {e.Width}x{e.Height}");
        int row = box.Width * 3;
        if (destination.Length < frames.Length * box.Height * row) throw new ArgumentException("destination too small", nameof(destination));
        Mapping map = Acquire(video);
        try
        {
            long frameBytes = (long)e.Height * e.Width * 3;
            int o = 0;
            foreach (int f in frames)
            {
                if ((uint)f >= (uint)e.Frames) throw new ArgumentOutOfRangeException(nameof(frames), $"frame {f} of {e.Frames}");
                byte* frame = map.Pointer + f * frameBytes + (long)box.Y * e.Width * 3 + box.X * 3;
                for (int y = 0; y < box.Height; y++, o += row)
                    new ReadOnlySpan<byte>(frame + (long)y * e.Width * 3, row).CopyTo(destination.Slice(o, row));
            }
        }
        finally
        {
            Release(map);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (Mapping m in _mapped.Values) m.Close();
            _mapped.Clear();
        }
    }

    private Mapping Acquire(int video)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_mapped.TryGetValue(video, out Mapping? map))
            {
                if (!_checked[video]) Check(video);   // once per clip: the whole file is read to hash it
                if (_mapped.Count >= MaxMapped) EvictLeastRecent();
                map = Mapping.Open(Path.Combine(Folder, Index.Entries[video].File));
                _mapped[video] = map;
            }
            map.Users++;
            map.LastUse = ++_clock;
            return map;
        }
    }

    // A clip whose data no longer matches its checksum (a flipped bit on disk, a partial copy) is never used.
    private void Check(int video)
    {
        CacheEntry e = Index.Entries[video];
        if (!Verify(Folder, e))
        {
            string file = Path.Combine(Folder, e.File);
            if (_rebuildFrom is null)
                throw new CentrifugeException(
                    $"{e.Path}: its cached clip {file} is damaged (checksum mismatch); run `centrifuge prepare` on the cache {Folder} to rebuild it",
                    ExitCodes.InvalidInput);
            CacheEntry rebuilt = ClipCacheBuilder.Rebuild(Folder, e, _rebuildFrom, _events);
            if (rebuilt.Frames != e.Frames || rebuilt.Width != e.Width || rebuilt.Height != e.Height)
                throw new CentrifugeException(
                    $"{e.Path}: its cached clip {file} was damaged and decodes now as {rebuilt.Frames} frames of {rebuilt.Width}x{rebuilt.Height}, " +
                    $"not {e.Frames} of {e.Width}x{e.Height}; run `centrifuge prepare` on the cache {Folder}", ExitCodes.InvalidInput);
            Rebuilt++;
            _events.Note($"clip cache: {e.Path}: cached clip damaged (checksum mismatch), rebuilt from the video ({Rebuilt} this run)");
        }
        _checked[video] = true;
    }

    private void Release(Mapping map)
    {
        lock (_gate) map.Users--;
    }

    private void EvictLeastRecent()
    {
        foreach (var (key, m) in _mapped.Where(p => p.Value.Users == 0).OrderBy(p => p.Value.LastUse).Take(_mapped.Count / 4 + 1).ToList())
        {
            m.Close();
            _mapped.Remove(key);
        }
    }

    private sealed unsafe class Mapping
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        public byte* Pointer { get; }
        public int Users;
        public long LastUse;

        private Mapping(MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer)
        {
            _file = file;
            _view = view;
            Pointer = pointer;
        }

        public static Mapping Open(string path)
        {
            var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            MemoryMappedViewAccessor view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new Mapping(file, view, pointer + view.PointerOffset);
        }

        public void Close()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }
}

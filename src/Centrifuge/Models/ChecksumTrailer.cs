using System.Security.Cryptography;

namespace Centrifuge.Models;

/// <summary>
/// The end of a checksummed file (model and training checkpoints): the SHA-256 of every byte before it, then an 8-byte
/// end marker. A writer goes through <see cref="HashingStream"/> and calls <see cref="Append"/> last; a reader calls
/// <see cref="Verify"/> before parsing anything, so a truncated file or a flipped byte is refused, never half-loaded.
/// </summary>
internal static class ChecksumTrailer
{
    public const int HashBytes = 32;

    /// <summary>Writes the hash of everything written through <paramref name="hashed"/>, then <paramref name="marker"/>.</summary>
    public static void Append(HashingStream hashed, ReadOnlySpan<byte> marker)
    {
        hashed.Flush();
        byte[] digest = hashed.Hash();
        hashed.Inner.Write(digest);
        hashed.Inner.Write(marker);
    }

    /// <summary>True when <paramref name="stream"/> ends with <paramref name="marker"/> (a complete file). Leaves the position at 0.</summary>
    public static bool EndsWith(Stream stream, ReadOnlySpan<byte> marker)
    {
        bool ends = false;
        if (stream.Length >= marker.Length)
        {
            stream.Seek(-marker.Length, SeekOrigin.End);
            Span<byte> tail = stackalloc byte[marker.Length];
            stream.ReadExactly(tail);
            ends = tail.SequenceEqual(marker);
        }
        stream.Seek(0, SeekOrigin.Begin);
        return ends;
    }

    /// <summary>
    /// Recomputes the hash of everything before the trailer and compares it with the stored one; throws a
    /// <see cref="CentrifugeException"/> naming <paramref name="path"/> when the file is incomplete or damaged.
    /// Leaves the position at 0.
    /// </summary>
    public static void Verify(string path, Stream stream, ReadOnlySpan<byte> marker, string what)
    {
        if (!EndsWith(stream, marker))
            throw new CentrifugeException($"{path}: {what} is incomplete (written partly, then interrupted)", ExitCodes.InvalidInput);
        long body = stream.Length - marker.Length - HashBytes;
        if (body < 0) throw new CentrifugeException($"{path}: {what} is incomplete", ExitCodes.InvalidInput);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long left = body; left > 0;)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) break;
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        Span<byte> stored = stackalloc byte[HashBytes];
        stream.ReadExactly(stored);
        stream.Seek(0, SeekOrigin.Begin);
        if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
            throw new CentrifugeException(
                $"{path}: {what} is damaged (its SHA-256 checksum does not match: bytes changed after it was written)", ExitCodes.InvalidInput);
    }
}

/// <summary>A write-only stream that hashes (SHA-256) everything written through it on the way to <see cref="Inner"/>.</summary>
internal sealed class HashingStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _written;

    public Stream Inner => inner;

    /// <summary>The SHA-256 of the bytes written so far.</summary>
    public byte[] Hash() => _hash.GetCurrentHash();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;
    public override long Position { get => _written; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}

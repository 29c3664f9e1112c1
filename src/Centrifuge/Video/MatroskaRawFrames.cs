using System.Buffers.Binary;
using System.Text;

namespace Centrifuge.Video;

/// <summary>
/// Frames its raw rgb24 frames as a minimal Matroska stream (one V_UNCOMPRESSED track, one cluster per frame, each
/// with its own timestamp in microseconds), so ffmpeg reading it from a pipe keeps every frame's time. Raw video over
/// a pipe carries no timestamps: this is how a <see cref="VideoWriter"/> keeps a variable frame rate.
/// </summary>
internal sealed class MatroskaRawFrames
{
    private const long TimestampScaleNs = 1000;   // 1 µs ticks
    private readonly Stream _output;
    private readonly IReadOnlyList<double> _times;
    private readonly int _frameBytes;
    private int _next;

    public MatroskaRawFrames(Stream output, int width, int height, IReadOnlyList<double> times)
    {
        _output = output;
        _times = times;
        _frameBytes = width * height * 3;
        var head = new MemoryStream();
        Element(head, 0x1A45DFA3, Concat(Uint(0x4286, 1), Uint(0x42F7, 1), Uint(0x42F2, 4), Uint(0x42F3, 8),
            Text(0x4282, "matroska"), Uint(0x4287, 4), Uint(0x4285, 2)));
        WriteId(head, 0x18538067);
        head.Write([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);   // Segment of unknown size: a stream
        Element(head, 0x1549A966, Uint(0x2AD7B1, TimestampScaleNs));
        byte[] video = Concat(Uint(0xB0, width), Uint(0xBA, height), Bytes(0x2EB524, [(byte)'R', (byte)'G', (byte)'B', 24]));
        byte[] track = Concat(Uint(0xD7, 1), Uint(0x73C5, 1), Uint(0x83, 1), Text(0x86, "V_UNCOMPRESSED"), Bytes(0xE0, video));
        Element(head, 0x1654AE6B, Bytes(0xAE, track));
        _output.Write(head.ToArray());
    }

    /// <summary>Writes frames [count, H, W, 3] (rgb24) at the next timestamps; past the list, frames continue at its mean rate.</summary>
    public void Write(ReadOnlySpan<byte> frames, int count)
    {
        for (int i = 0; i < count; i++, _next++)
        {
            long ticks = (long)Math.Round(TimeOf(_next) * 1e9 / TimestampScaleNs);
            var cluster = new MemoryStream(40);
            cluster.Write(Uint(0xE7, ticks));
            WriteId(cluster, 0xA3);
            WriteSize(cluster, 4 + _frameBytes);
            cluster.Write([0x81, 0x00, 0x00, 0x80]);   // track 1, relative time 0, keyframe
            WriteId(_output, 0x1F43B675);
            WriteSize(_output, cluster.Length + _frameBytes);
            _output.Write(cluster.GetBuffer(), 0, (int)cluster.Length);
            _output.Write(frames.Slice(i * _frameBytes, _frameBytes));
        }
    }

    private double TimeOf(int frame)
    {
        if (frame < _times.Count) return _times[frame];
        double step = _times.Count > 1 ? _times[^1] / (_times.Count - 1) : 0.04;
        return _times[^1] + (frame - _times.Count + 1) * step;
    }

    private static byte[] Uint(long id, long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return Bytes(id, bytes);
    }

    private static byte[] Text(long id, string text) => Bytes(id, Encoding.ASCII.GetBytes(text));

    private static byte[] Bytes(long id, byte[] data)
    {
        var element = new MemoryStream();
        Element(element, id, data);
        return element.ToArray();
    }

    private static void Element(Stream stream, long id, byte[] data)
    {
        WriteId(stream, id);
        WriteSize(stream, data.Length);
        stream.Write(data);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    // Element IDs carry their own length marker: write their significant bytes as they are.
    private static void WriteId(Stream stream, long id)
    {
        int length = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
        for (int shift = 8 * (length - 1); shift >= 0; shift -= 8) stream.WriteByte((byte)(id >> shift));
    }

    // Sizes as 8-byte EBML variable-length integers (0x01 then 7 bytes): valid for any size, simple to write.
    private static void WriteSize(Stream stream, long size)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, size);
        bytes[0] = 0x01;
        stream.Write(bytes);
    }
}

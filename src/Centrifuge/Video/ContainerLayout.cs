using System.Buffers.Binary;

namespace Centrifuge.Video;

/// <summary>
/// A cheap look at a file's top-level container structure (ISO BMFF boxes for MP4/MOV, the RIFF header for AVI, the
/// 188-byte packets of MPEG-TS), enough to tell a truncated file (a box, chunk or packet that runs past the end) from
/// one that simply has no video (an MP4 with only ftyp/mdat boxes). ffmpeg says "moov atom not found" for both, and
/// drops a cut-off last TS packet without a word.
/// </summary>
internal sealed record ContainerLayout(string Kind, bool Truncated, string? Detail, IReadOnlyList<string> Boxes)
{
    public bool HasBox(string name) => Boxes.Contains(name);

    public static ContainerLayout Inspect(string path)
    {
        using FileStream file = File.OpenRead(path);
        long length = file.Length;
        Span<byte> head = stackalloc byte[16];
        int read = file.ReadAtLeast(head, 12, throwOnEndOfStream: false);
        if (read >= 12 && head[..4].SequenceEqual("RIFF"u8))
        {
            long declared = BinaryPrimitives.ReadUInt32LittleEndian(head[4..8]) + 8L;
            bool truncated = declared > length;
            return new ContainerLayout("riff", truncated,
                truncated ? $"RIFF header declares {declared} bytes, file has {length}" : null, []);
        }
        if (read >= 8 && head[4..8].SequenceEqual("ftyp"u8)) return InspectBoxes(file, length);
        if (IsTransportStream(file, length))
        {
            long over = length % TsPacket;
            return new ContainerLayout("mpegts", over != 0,
                over != 0 ? $"MPEG-TS ends inside a {TsPacket}-byte packet ({over} bytes of it present)" : null, []);
        }
        return new ContainerLayout("other", false, null, []);
    }

    private const int TsPacket = 188;

    // Sync bytes (0x47) at the start of the first three packets.
    private static bool IsTransportStream(FileStream file, long length)
    {
        if (length < 3 * TsPacket) return false;
        for (int packet = 0; packet < 3; packet++)
        {
            file.Position = packet * TsPacket;
            if (file.ReadByte() != 0x47) return false;
        }
        return true;
    }

    private static ContainerLayout InspectBoxes(FileStream file, long length)
    {
        var boxes = new List<string>();
        Span<byte> header = stackalloc byte[16];
        long position = 0;
        while (position + 8 <= length && boxes.Count < 1000)
        {
            file.Position = position;
            if (file.ReadAtLeast(header[..8], 8, throwOnEndOfStream: false) < 8) break;
            long size = BinaryPrimitives.ReadUInt32BigEndian(header[..4]);
            string name = System.Text.Encoding.ASCII.GetString(header[4..8]);
            if (size == 1)
            {
                if (file.ReadAtLeast(header[8..16], 8, throwOnEndOfStream: false) < 8) break;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header[8..16]);
            }
            else if (size == 0)
            {
                size = length - position;   // box extends to the end of the file
            }
            boxes.Add(name);
            if (size < 8)
                return new ContainerLayout("isobmff", false, $"box '{name}' at byte {position} has invalid size {size}", boxes);
            if (position + size > length)
                return new ContainerLayout("isobmff", true,
                    $"box '{name}' at byte {position} declares {size} bytes, only {length - position} present", boxes);
            position += size;
        }
        return new ContainerLayout("isobmff", false, null, boxes);
    }
}

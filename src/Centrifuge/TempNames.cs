using System.Security.Cryptography;
using System.Text;

namespace Centrifuge;

/// <summary>
/// Names of temporary files and folders written beside their final name and renamed into place. File systems cap a
/// name at 255 bytes; a temporary name is longer than its final one, so a final name that fits could fail as
/// "path too long" while being written. Here a long name is shortened (its start kept, a hash of the whole added) so
/// that the temporary name always fits.
/// </summary>
public static class TempNames
{
    /// <summary>The longest file or folder name (in UTF-8 bytes) Linux file systems accept.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>
    /// "." + <paramref name="name"/> + <paramref name="suffix"/> (a hidden temporary name), with room left for
    /// <paramref name="reserve"/> more bytes (e.g. a ".lock" added later). The same name and suffix length always give
    /// the same shortened stem, so other runs can find the temporary names of a given final name.
    /// </summary>
    public static string Hidden(string name, string suffix, int reserve = 0) =>
        "." + Stem(name, 1 + Encoding.UTF8.GetByteCount(suffix) + reserve) + suffix;

    /// <summary>
    /// <paramref name="name"/> itself when it leaves <paramref name="extraBytes"/> bytes of room under the limit, else its
    /// longest start that does, followed by "~" and 8 hex digits of its SHA-256.
    /// </summary>
    public static string Stem(string name, int extraBytes)
    {
        if (Encoding.UTF8.GetByteCount(name) + extraBytes <= MaxNameBytes) return name;
        string hash = "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        int budget = MaxNameBytes - extraBytes - hash.Length;
        int length = 0, bytes = 0;
        while (length < name.Length)
        {
            int step = char.IsHighSurrogate(name[length]) && length + 1 < name.Length ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(name.AsSpan(length, step));
            if (bytes + size > budget) break;
            bytes += size;
            length += step;
        }
        return name[..length] + hash;
    }
}

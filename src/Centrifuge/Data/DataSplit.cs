using System.Security.Cryptography;
using System.Text;

namespace Centrifuge.Data;

/// <summary>Training and validation sources; no group (source video) appears in both.</summary>
public sealed record DataSplit(IReadOnlyList<VideoSource> Train, IReadOnlyList<VideoSource> Validation)
{
    /// <summary>
    /// Splits by <see cref="VideoSource.Group"/>. A group whose sources name a split keeps it (any "val" member makes
    /// the whole group validation). The other groups are ordered by a seeded hash of their key and the first
    /// ceil(fraction x count) go to validation — stable when unrelated groups are added or removed.
    /// </summary>
    public static DataSplit Create(IReadOnlyList<VideoSource> sources, double validationFraction, long seed = 0)
    {
        var val = new HashSet<string>(StringComparer.Ordinal);
        var free = new List<string>();
        foreach (IGrouping<string, VideoSource> group in sources.GroupBy(s => s.Group, StringComparer.Ordinal))
        {
            if (group.Any(s => s.Split == "val")) val.Add(group.Key);
            else if (group.All(s => s.Split is null)) free.Add(group.Key);
        }
        int take = validationFraction <= 0 || free.Count < 2 ? 0 : Math.Max(1, (int)Math.Ceiling(validationFraction * free.Count - 1e-9));
        take = Math.Min(take, free.Count - 1);
        foreach (string key in free.OrderBy(k => Hash(seed, k)).ThenBy(k => k, StringComparer.Ordinal).Take(take)) val.Add(key);
        return new DataSplit(
            sources.Where(s => !val.Contains(s.Group)).ToList(),
            sources.Where(s => val.Contains(s.Group)).ToList());
    }

    private static ulong Hash(long seed, string key)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(seed.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n" + key));
        return BitConverter.ToUInt64(digest, 0);
    }
}

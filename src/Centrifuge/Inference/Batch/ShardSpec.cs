using System.Text;
using Centrifuge.Inference.Output;

namespace Centrifuge.Inference.Batch;

/// <summary>
/// One shard of a batch, K of N (`--shard K/N`, K = 0..N-1: Kubernetes' JOB_COMPLETION_INDEX, a Slurm array declared
/// 0-(N-1)). The split rule: an input belongs to shard FNV-1a-64(UTF-8 bytes of its output name) mod N, where the
/// output name is the file name without its extension (<see cref="SeparationOutputFolder.NameOf"/>, the folder it is
/// written to). It depends on nothing but the name and N, so the same inputs in any order, listed from any folder, split
/// the same way on every machine; and two inputs that would write the same output folder (a/clip.mp4, b/clip.mp4)
/// always land in the same shard, where the batch refuses the second, instead of in two shards racing for one folder.
/// </summary>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>"K/N" with 0 &lt;= K &lt; N, else a one-line usage error.</summary>
    public static ShardSpec Parse(string text)
    {
        string[] parts = text.Trim().Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int k) || !int.TryParse(parts[1], out int n))
            throw new OptionException("shard", text, "expected K/N, e.g. 0/4 (K = 0..N-1)");
        if (n < 1) throw new OptionException("shard", text, "N must be at least 1");
        if (k < 0 || k >= n) throw new OptionException("shard", text, $"K must be between 0 and N-1 = {n - 1} (shards are numbered from 0)");
        return new ShardSpec(k, n);
    }

    /// <summary>True when <paramref name="input"/> belongs to this shard.</summary>
    public bool Owns(string input) => Of(input, Count) == Index;

    /// <summary>The shard of <paramref name="input"/> among <paramref name="count"/>.</summary>
    public static int Of(string input, int count) => (int)(Fnv1a64(Encoding.UTF8.GetBytes(SeparationOutputFolder.NameOf(input))) % (ulong)count);

    public override string ToString() => $"{Index}/{Count}";

    // FNV-1a, 64 bits: simple, stable across runtimes and machines (string.GetHashCode is randomised per process).
    internal static ulong Fnv1a64(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}

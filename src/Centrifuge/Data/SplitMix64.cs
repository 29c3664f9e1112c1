namespace Centrifuge.Data;

/// <summary>
/// A tiny counter-based random generator (SplitMix64). Streams are derived by hashing (seed, iteration, sample,
/// purpose), so every batch is a pure function of its coordinates, whatever thread builds it.
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong state) => _state = state;

    /// <summary>An independent stream for the given coordinates (e.g. seed, iteration, sample index, purpose).</summary>
    public static SplitMix64 Derive(long seed, params long[] coordinates)
    {
        ulong h = Mix((ulong)seed ^ 0x5EED_C0FF_EE00_0001UL);
        foreach (long c in coordinates) h = Mix(h ^ Mix((ulong)c + 0x9E3779B97F4A7C15UL));
        return new SplitMix64(h);
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        return (int)(NextUInt64() % (ulong)maxExclusive);
    }

    /// <summary>Uniform integer in [min, max] inclusive.</summary>
    public int NextInt(int min, int max) => min + NextInt(max - min + 1);

    public bool Chance(double probability) => probability > 0 && NextDouble() < probability;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

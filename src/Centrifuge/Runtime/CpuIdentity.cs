namespace Centrifuge.Runtime;

/// <summary>The CPU as /proc/cpuinfo names it: the self-check's verdict is kept per CPU (model, stepping and flags).</summary>
public sealed record CpuIdentity(string ModelName, string Family, string Model, string Stepping, string Flags)
{
    /// <summary>e.g. "AMD EPYC (family 26, model 2): AVX-512 with BF16"; what every figure and verdict names.</summary>
    public string Describe()
    {
        string[] flags = Flags.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string vector = flags.Contains("avx512f") ? "AVX-512" + (flags.Contains("avx512_bf16") ? " with BF16" : "")
            : flags.Contains("avx2") ? "AVX2" : "no AVX2";
        return $"{ModelName} (family {Family}, model {Model}): {vector}";
    }

    /// <summary>This machine's CPU, read once per process (the guard's cache key asks for it several times at start-up).</summary>
    public static CpuIdentity Read() => Current.Value;

    private static readonly Lazy<CpuIdentity> Current = new(ReadCpuInfo);

    private static CpuIdentity ReadCpuInfo()
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.Length == 0) break;   // the first processor's block is enough
                int colon = line.IndexOf(':');
                if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // not Linux, or no /proc: the verdict is kept per architecture only
        }
        string Field(string name) => fields.TryGetValue(name, out string? v) ? v : "?";
        return new CpuIdentity(
            fields.TryGetValue("model name", out string? model) ? model : System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(),
            Field("cpu family"), Field("model"), Field("stepping"), Field("flags"));
    }
}

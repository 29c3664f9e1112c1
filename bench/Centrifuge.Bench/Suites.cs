using System.CommandLine;

namespace Centrifuge.Bench;

/// <summary>The registered benchmark suites, one file each.</summary>
public static class Suites
{
    public static IEnumerable<Command> All() =>
    [
        ConvPeakBenchmark.Create(),
        DecodeBenchmark.Create(),
        LoaderBenchmark.Create(),
        ModelBenchmark.Create(),
        OnnxBenchmark.Create(),
        SeparateBenchmark.Create(),
        TrainingBenchmark.Create(),
    ];
}

using System.Diagnostics;
using Centrifuge.Data;
using Centrifuge.Evaluation.Reports;

namespace Centrifuge.Evaluation.Experiments;

/// <summary>The experiment protocols by name, and the one entry point `centrifuge experiment NAME` calls.</summary>
public static class ExperimentCatalog
{
    public static IReadOnlyList<IExperimentProtocol> All { get; } =
    [
        new LayersExperiment(), new DepthExperiment(), new FrozenExperiment(), new ColorsExperiment(),
        new SameClassExperiment(), new KLayersExperiment(), new DownstreamExperiment(),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(e => e.Name).ToList();

    public static IExperimentProtocol Get(string name) =>
        All.FirstOrDefault(e => e.Name == name)
        ?? throw new CentrifugeException($"experiment '{name}': expected one of {string.Join(", ", Names)}", ExitCodes.Usage);

    /// <summary>
    /// Runs protocol <paramref name="name"/>: trains its models within the budget, scores them, and writes
    /// results.md, results.json and chart.png into <see cref="ExperimentOptions.Out"/>. Returns the result and the paths.
    /// Its notes, the cache's preparation and each model's training are reported on <paramref name="events"/>.
    /// </summary>
    public static (ExperimentResult Result, IReadOnlyList<string> Files) Run(string name, ExperimentOptions options, ISourceDecoder decoder,
        IRunEvents? events = null)
    {
        IExperimentProtocol protocol = Get(name);
        options.Validate();
        // Refuse an existing report before spending the budget.
        ReportFiles files = ReportFiles.Open(options.Out, ExperimentReport.Files, options.Force);
        var clock = Stopwatch.StartNew();
        using var context = new ExperimentContext(options, protocol.Models(options), decoder, events);
        ExperimentResult result = protocol.Run(context);
        return (result, ExperimentReport.Write(result, context, files, clock.Elapsed.TotalSeconds));
    }
}

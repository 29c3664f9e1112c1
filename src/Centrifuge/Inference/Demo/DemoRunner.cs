using Centrifuge.Inference.Output;
using Centrifuge.Inference.Separation;

namespace Centrifuge.Inference.Demo;

/// <summary>What `centrifuge demo` does: where it writes, how long the excerpts are, and whether it may replace a previous demo.</summary>
public sealed record DemoOptions
{
    public string OutputFolder { get; init; } = "demo-output";
    /// <summary>Length of each excerpt (the blend and the real video), so the demo runs in minutes on a CPU.</summary>
    public double Seconds { get; init; } = 4;
    /// <summary>Replace an existing demo (only a folder a previous demo wrote, recognised by its index.html, or an empty one).</summary>
    public bool Force { get; init; }
}

/// <summary>One case of the demo page: its excerpts (inputs/...) and what the separator wrote for it.</summary>
public sealed record DemoCase(string Title, string Description, IReadOnlyList<string> Inputs, SeparationResult Result);

/// <summary>The finished demo: OUT/index.html, OUT/inputs, OUT/blend/&lt;a&gt;+&lt;b&gt;/ and OUT/real/&lt;name&gt;/.</summary>
public sealed record DemoResult(string OutputFolder, string IndexHtml, DemoCase Blend, DemoCase Real);

/// <summary>
/// The demo: excerpts of three validation videos (never trained on), a blend of the first two separated and scored
/// against them, the third separated as it is — all through the same <see cref="Separator"/> as `centrifuge separate` —
/// and a self-contained index.html (<see cref="DemoPage"/>). Built in a temporary sibling folder and renamed into place.
/// </summary>
public static class DemoRunner
{
    public const double Alpha = 0.5;

    /// <summary>Refuses an existing output folder unless force, and even then one that a demo did not write.</summary>
    public static void CheckOutputFolder(DemoOptions options)
    {
        string final = Path.GetFullPath(options.OutputFolder);
        if (File.Exists(final))
            throw new CentrifugeException($"{final}: a file is in the way of the demo folder", ExitCodes.OutputExists);
        if (!Directory.Exists(final)) return;
        if (!options.Force)
            throw new CentrifugeException($"{final}: already exists", ExitCodes.OutputExists);
        if (Directory.EnumerateFileSystemEntries(final).Any() && !DemoPage.IsDemoPage(Path.Combine(final, "index.html")))
            throw new CentrifugeException($"{final}: exists and is not a previous demo (no demo index.html); choose another output folder", ExitCodes.OutputExists);
    }

    /// <param name="separator">the separator `centrifuge separate` would use (model, processing size, windows)</param>
    /// <param name="samples">the fetched sample manifest (<see cref="DemoSamples.EnsureFetched"/>) and its folder</param>
    /// <param name="model">the checkpoint's name, shown on the page</param>
    /// <param name="events">told what the demo does (notes) and, for each of its two separations, a <see cref="WorkStarted"/>
    /// and the separator's progress</param>
    public static DemoResult Run(Separator separator, string model, IReadOnlyList<SampleEntry> samples, string samplesFolder, DemoOptions options,
        IRunEvents? events = null)
    {
        if (!(options.Seconds > 0)) throw new OptionException("seconds", options.Seconds, "must be positive");
        CheckOutputFolder(options);
        string final = Path.GetFullPath(options.OutputFolder);
        string parent = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(parent);
        string temp = AtomicFile.TempPath(final);
        Directory.CreateDirectory(temp);
        try
        {
            (SampleEntry a, SampleEntry b, SampleEntry real) = DemoSamples.Pick(samples, Path.Combine(samplesFolder, "manifest.json"));
            string inputs = Directory.CreateDirectory(Path.Combine(temp, "inputs")).FullName;
            string Excerpt(SampleEntry e)
            {
                events.Note($"excerpt: {e.File} (first {options.Seconds:0.#} s)");
                return DemoSamples.WriteExcerpt(Path.Combine(samplesFolder, e.File),
                    Path.Combine(inputs, SeparationOutputFolder.NameOf(e.File) + ".mp4"), options.Seconds, separator.Options.ProcessingShortSide);
            }
            string ea = Excerpt(a), eb = Excerpt(b), er = Excerpt(real);

            events.Note($"separating the blend 0.5 x {Path.GetFileName(ea)} + 0.5 x {Path.GetFileName(eb)}");
            events.Send(new WorkStarted("blend"));
            SeparationResult blend = separator.SeparateBlend(ea, eb, Alpha, Path.Combine(temp, "blend"), events);
            events.Note($"separating the real video {Path.GetFileName(er)}");
            events.Send(new WorkStarted(Path.GetFileName(er)));
            SeparationResult separated = separator.Separate(er, Path.Combine(temp, "real"), events);

            var blendCase = new DemoCase("A synthetic blend",
                $"Two validation videos the model never saw in training, mixed half and half: V = 0.5 {a.File} + 0.5 {b.File}. " +
                "The layers are scored against the two originals.",
                [Relocate(ea, temp, final), Relocate(eb, temp, final)], Relocate(blend, temp, final));
            var realCase = new DemoCase("A real video",
                $"{real.File}, separated as it is: there is no ground truth, so judge the layers by eye.",
                [Relocate(er, temp, final)], Relocate(separated, temp, final));
            string page = Path.Combine(temp, "index.html");
            AtomicFile.WriteText(page, DemoPage.Render(final, model, blendCase, realCase));
            AtomicFile.ReplaceFolder(temp, final);
            return new DemoResult(final, Path.Combine(final, "index.html"), blendCase, realCase);
        }
        finally
        {
            if (Directory.Exists(temp)) TryDelete(temp);
        }
    }

    // The separator ran inside the temporary folder: summary.json and the result name paths under the final one instead.
    private static SeparationResult Relocate(SeparationResult r, string temp, string final)
    {
        string Fix(string path) => path.Replace(temp, final, StringComparison.Ordinal);
        SeparationSummary summary = r.Summary with
        {
            Input = Fix(r.Summary.Input),
            Metrics = r.Summary.Metrics is { } m ? m with { A = Fix(m.A), B = Fix(m.B) } : null,
        };
        string file = Path.Combine(r.OutputFolder, "summary.json");
        AtomicFile.WriteText(file, JsonDefaults.Serialize(summary) + "\n");
        return r with { OutputFolder = Relocate(r.OutputFolder, temp, final), Summary = summary };
    }

    private static string Relocate(string path, string temp, string final) =>
        Path.Combine(final, Path.GetRelativePath(temp, path));

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

using System.Diagnostics;
using System.Text.Json;
using Centrifuge.Runtime;
using Centrifuge.Video;

namespace Centrifuge.Inference.Demo;

/// <summary>One row of data/samples/manifest.json (scripts/fetch-samples.sh).</summary>
public sealed record SampleEntry(string File, string Package, string Group, string Split, int Frames, int Width, int Height, double Fps);

/// <summary>
/// The demo's inputs: finds the repository, fetches the sample videos with scripts/fetch-samples.sh when they are
/// missing, picks validation-split clips deterministically and writes short H.264 excerpts of them (browser-playable,
/// a few seconds long) for the demo to separate.
/// </summary>
public static class DemoSamples
{
    /// <summary>Preferred validation clips, in order: the blend uses the first two present, the real case the next.</summary>
    public static readonly IReadOnlyList<string> Preferred =
        ["python3-imageio/cockatoo.mp4", "opencv-doc/tree.avi", "forensics-samples-files/VID_20191220_170832.mp4"];

    /// <summary>The folder holding Centrifuge.sln above the running program or the current folder, or null.</summary>
    public static string? FindRepositoryRoot() => RepositoryFolders.Upwards().FirstOrDefault(RepositoryFolders.IsRoot);

    /// <summary>$CENTRIFUGE_SAMPLES, else data/samples in the repository.</summary>
    public static string SamplesFolder(string? repositoryRoot)
    {
        string? configured = Environment.GetEnvironmentVariable("CENTRIFUGE_SAMPLES");
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        if (repositoryRoot is null)
            throw new CentrifugeException("demo: cannot find the repository (Centrifuge.sln) to fetch the sample videos into; set CENTRIFUGE_SAMPLES",
                ExitCodes.Environment);
        return Path.Combine(repositoryRoot, "data", "samples");
    }

    /// <summary>Runs scripts/fetch-samples.sh unless every file of the manifest is present; returns the manifest.</summary>
    /// <remarks>
    /// Kept as a script on purpose: it is the one place that knows which Debian packages hold the samples and how to
    /// unpack them (apt-get download, dpkg-deb), and test.sh and CI run the same script before any .NET code exists.
    /// Rewriting it here would be a second copy that drifts.
    /// </remarks>
    public static IReadOnlyList<SampleEntry> EnsureFetched(string samplesFolder, string? repositoryRoot, IRunEvents? events = null)
    {
        string manifest = Path.Combine(samplesFolder, "manifest.json");
        if (!System.IO.File.Exists(manifest) || Read(manifest).Any(e => !System.IO.File.Exists(Path.Combine(samplesFolder, e.File))))
        {
            string script = repositoryRoot is null ? "" : Path.Combine(repositoryRoot, "scripts", "fetch-samples.sh");
            if (!System.IO.File.Exists(script))
                throw new CentrifugeException($"{manifest}: missing, and scripts/fetch-samples.sh was not found to fetch it", ExitCodes.MissingInput);
            events.Note($"fetching the sample videos into {samplesFolder} (scripts/fetch-samples.sh)");
            var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            info.ArgumentList.Add(script);
            info.Environment["CENTRIFUGE_SAMPLES"] = samplesFolder;
            using Process process = Process.Start(info)!;
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            _ = stdout.Result;
            if (process.ExitCode != 0 || !System.IO.File.Exists(manifest))
            {
                string last = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {process.ExitCode}";
                throw new CentrifugeException($"{script}: could not fetch the sample videos: {last}", ExitCodes.MissingInput);
            }
        }
        return Read(manifest);
    }

    public static IReadOnlyList<SampleEntry> Read(string manifest)
    {
        try { return JsonDefaults.Deserialize<List<SampleEntry>>(System.IO.File.ReadAllText(manifest)); }
        catch (JsonException e) { throw new CentrifugeException($"{manifest}: not a sample manifest: {e.Message}", ExitCodes.InvalidInput, e); }
    }

    /// <summary>
    /// Three distinct validation-split clips from different groups: <see cref="Preferred"/> first, then the rest by
    /// file name. The first two are blended, the third is separated as it is.
    /// </summary>
    public static (SampleEntry A, SampleEntry B, SampleEntry Real) Pick(IReadOnlyList<SampleEntry> manifest, string manifestPath)
    {
        var validation = manifest.Where(e => e.Split == "val").ToList();
        var ordered = Preferred.Select(p => validation.FirstOrDefault(e => e.File == p)).OfType<SampleEntry>()
            .Concat(validation.Where(e => !Preferred.Contains(e.File)).OrderBy(e => e.File, StringComparer.Ordinal));
        var picked = new List<SampleEntry>();
        foreach (SampleEntry entry in ordered)
            if (picked.All(p => p.Group != entry.Group)) picked.Add(entry);
        if (picked.Count < 3)
            throw new CentrifugeException($"{manifestPath}: needs 3 validation videos of different groups, has {picked.Count}", ExitCodes.InvalidInput);
        return (picked[0], picked[1], picked[2]);
    }

    /// <summary>
    /// Writes the first <paramref name="seconds"/> of a video, scaled to short side <paramref name="shortSide"/>
    /// (never up), as H.264 MP4: what the demo separates and what its page shows as the input.
    /// </summary>
    public static string WriteExcerpt(string input, string output, double seconds, int shortSide)
    {
        VideoInfo info = VideoProbe.Probe(input);
        int frames = Math.Max(1, Math.Min(info.Frames, (int)Math.Round(seconds * info.Fps)));
        var read = new VideoReadOptions { MaxFrames = frames, ShortSide = Math.Min(info.Width, info.Height) > shortSide ? shortSide : null };
        using VideoReader reader = VideoReader.Open(input, read);
        return Encode(reader, output, info.Fps);
    }

    private static string Encode(VideoReader reader, string output, double fps)
    {
        using VideoWriter writer = VideoWriter.Create(output, reader.Width, reader.Height, fps, new VideoWriterOptions { Preset = "veryfast" });
        foreach (FrameChunk chunk in reader.ReadChunks(16)) writer.Write(chunk);
        writer.Complete();
        return output;
    }
}

namespace Centrifuge.Tests.Support;

/// <summary>Paths the tests need: the repository root, the fetched sample videos, a fresh temp folder.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>data/samples (scripts/fetch-samples.sh), or CENTRIFUGE_SAMPLES.</summary>
    public static string SamplesDir =>
        Environment.GetEnvironmentVariable("CENTRIFUGE_SAMPLES") ?? Path.Combine(Root, "data", "samples");

    /// <summary>Skips the calling test, visibly, when the sample corpus has not been fetched.</summary>
    public static string RequireSample(string relative)
    {
        string path = Path.Combine(SamplesDir, relative);
        Skip.IfNot(File.Exists(path), $"sample video {relative} not fetched: run scripts/fetch-samples.sh");
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Centrifuge.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Centrifuge.sln) not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder deleted at dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("centrifuge-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

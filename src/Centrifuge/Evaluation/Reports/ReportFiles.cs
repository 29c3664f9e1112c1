using System.Text;

namespace Centrifuge.Evaluation.Reports;

/// <summary>
/// Writes report files into a folder: each to a temporary name in the same folder, then renamed, so a reader never
/// sees a half-written file. Existing report files are only replaced with force.
/// </summary>
public sealed class ReportFiles
{
    public string Folder { get; }

    private ReportFiles(string folder) => Folder = folder;

    /// <summary>
    /// Creates <paramref name="folder"/> if needed. Fails (OutputExists) when any of <paramref name="names"/> is already
    /// there and <paramref name="force"/> is false.
    /// </summary>
    public static ReportFiles Open(string folder, IEnumerable<string> names, bool force)
    {
        string full = Check(folder, names, force);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CentrifugeException($"{full}: cannot create the report folder: {e.Message}", ExitCodes.WriteFailed, e);
        }
        return new ReportFiles(full);
    }

    /// <summary>The refusals of <see cref="Open"/> without creating anything, so a command can fail before its work.</summary>
    public static string Check(string folder, IEnumerable<string> names, bool force)
    {
        string full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new CentrifugeException($"{full}: is a file; expected a folder for the report", ExitCodes.InvalidInput);
        if (!force)
            foreach (string name in names)
                if (File.Exists(Path.Combine(full, name)))
                    throw new CentrifugeException($"{Path.Combine(full, name)}: already exists", ExitCodes.OutputExists);
        return full;
    }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string WriteText(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string name, byte[] bytes)
    {
        string path = PathOf(name);
        AtomicFile.Write(path, s => s.Write(bytes));
        return path;
    }
}

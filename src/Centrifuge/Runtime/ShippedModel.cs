namespace Centrifuge.Runtime;

/// <summary>
/// Finds the model used when none is given: $CENTRIFUGE_MODEL, else models/centrifuge-cpu-small.ckpt in the
/// repository that holds the running program (searched upwards from the executable), else the current folder's.
/// </summary>
public static class ShippedModel
{
    public const string RelativePath = "models/centrifuge-cpu-small.ckpt";
    public const string EnvironmentVariable = "CENTRIFUGE_MODEL";

    /// <summary>The checkpoint path, or a <see cref="CentrifugeException"/> saying in one line that it does not exist.</summary>
    public static string Resolve()
    {
        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (File.Exists(configured)) return Path.GetFullPath(configured);
            throw new CentrifugeException($"{EnvironmentVariable}={configured}: no such model checkpoint", ExitCodes.MissingInput);
        }
        foreach (string folder in RepositoryFolders.Upwards())
        {
            string candidate = Path.Combine(folder, RelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        throw new CentrifugeException(
            $"no model given and the shipped model {RelativePath} does not exist yet", ExitCodes.Environment)
        { Remedy = Remedy.NameAModel, RemedyDetail = EnvironmentVariable };
    }
}

namespace Centrifuge.Training;

/// <summary>
/// A cross-process lock on a clip-cache folder while it is prepared, so two trainings sharing the user's cache never
/// decode into it at once (one's clean-up would delete the other's half-written entries). Held by an open lock file.
/// </summary>
internal static class CacheGate
{
    public const string LockFile = ".prepare.lock";

    public static FileStream Acquire(string folder, Action<string>? note, TimeSpan? timeout = null)
    {
        string path = Path.Combine(folder, LockFile);
        try
        {
            return FileLock.Acquire(path, () => note?.Invoke($"{folder}: another process is preparing this clip cache; waiting for it"),
                timeout ?? TimeSpan.FromHours(1));
        }
        catch (TimeoutException e)
        {
            throw new CentrifugeException($"{path}: clip cache still locked by another process ({e.Message}); pass --cache DIR or --no-cache",
                ExitCodes.Environment, e);
        }
    }
}

namespace Centrifuge;

/// <summary>
/// A cross-process lock held by an open lock file (FileShare.None takes an exclusive lock on Linux): the first
/// process in holds it, the others wait, telling once that they wait, until it is released or the timeout passes.
/// </summary>
public static class FileLock
{
    /// <summary>Waits for the lock on <paramref name="path"/>; dispose the stream to release it.</summary>
    /// <exception cref="TimeoutException">Still held by another process after <paramref name="timeout"/>.</exception>
    public static FileStream Acquire(string path, Action? waiting, TimeSpan timeout)
    {
        DateTime giveUp = DateTime.UtcNow + timeout;
        bool told = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (!FileErrors.IsDiskFull(e) && e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (DateTime.UtcNow >= giveUp) throw new TimeoutException($"{path}: still locked by another process", e);
                if (!told) waiting?.Invoke();
                told = true;
                Thread.Sleep(200);
            }
        }
    }
}

namespace Centrifuge;

/// <summary>Recognises the write failures a user can fix (a full disk or quota), wherever in the stages they happen.</summary>
public static class FileErrors
{
    private const int Enospc = 28;   // Linux errno: no space left on device
    private const int Edquot = 122;  // Linux errno: disk quota exceeded

    /// <summary>True when <paramref name="e"/> (or an exception inside it) is ENOSPC or EDQUOT.</summary>
    public static bool IsDiskFull(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is not IOException io) continue;
            int code = io.HResult & 0xFFFF;
            if (code is Enospc or Edquot || io.HResult == unchecked((int)0x80070070) /* Windows ERROR_DISK_FULL */ ||
                io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}

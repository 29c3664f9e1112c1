using System.Runtime.InteropServices;

namespace Centrifuge.Runtime;

/// <summary>The C library's environment, which native code reads (.NET's own copy of it does not reach libtorch).</summary>
internal static class NativeEnvironment
{
    /// <summary>
    /// Sets a variable for native code only: .NET's copy, which child processes inherit, is left alone, so a setting
    /// this process chose for itself is not taken by a child (a CLI run by the tests, say) for one the user made.
    /// </summary>
    public static void Set(string name, string value)
    {
        if (OperatingSystem.IsLinux()) setenv(name, value, 1);
        else System.Environment.SetEnvironmentVariable(name, value);
    }

    public static string? Get(string name) =>
        OperatingSystem.IsLinux() ? Marshal.PtrToStringUTF8(getenv(name)) : System.Environment.GetEnvironmentVariable(name);

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern IntPtr getenv(string name);
}

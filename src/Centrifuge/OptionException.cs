namespace Centrifuge;

/// <summary>
/// A value the caller gave for one option of a library call is unusable (a clip size that is not T,H,W, alpha outside
/// (0, 1)). <see cref="Option"/> is the option's library name (snake_case, as in the JSON configs); the library knows
/// no command-line flags, so a front end (the CLI) names its own flag for it, and the message reads
/// "&lt;option&gt; &lt;value&gt;: &lt;reason&gt;".
/// </summary>
public sealed class OptionException : CentrifugeException
{
    public string Option { get; }
    public string Value { get; }
    public string Reason { get; }

    public OptionException(string option, object? value, string reason, int exitCode = ExitCodes.Usage, Exception? inner = null)
        : base($"{option} {value}: {reason}", exitCode, inner)
    {
        Option = option;
        Value = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
        Reason = reason;
    }
}

using Centrifuge.Cli;

namespace Centrifuge.Tests.Cli;

/// <summary>The one progress display, as it reads when the output is redirected (tests, CI, logs).</summary>
public class ProgressReporterTests
{
    private static (ProgressReporter Reporter, StringWriter Output, StringWriter Error) Redirected(ProgressMode mode)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (new ProgressReporter(new CliContext(output, error), mode), output, error);
    }

    [Fact]
    public void Redirected_output_gets_plain_lines_throttled_but_always_the_last_one()
    {
        (ProgressReporter reporter, StringWriter output, StringWriter error) = Redirected(ProgressMode.Auto);
        int result = reporter.Run("work", update =>
        {
            Assert.NotNull(update);
            for (int i = 1; i <= 5; i++) update(new ProgressUpdate(i, 5, $"status {i}", $"line {i}"));
            update(new ProgressUpdate(5, 5, "no line"));   // a bar-only update prints nothing
            reporter.Line("a note");
            return 42;
        }, plainInterval: TimeSpan.FromHours(1));
        Assert.Equal(42, result);
        Assert.Equal(["line 1", "line 5", "a note"], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Json_modes_keep_stdout_clean()
    {
        (ProgressReporter quiet, StringWriter quietOut, StringWriter quietErr) = Redirected(ProgressMode.None);
        quiet.Run("work", update => { Assert.Null(update); return 0; });
        Assert.Equal("", quietOut.ToString() + quietErr.ToString());

        (ProgressReporter toStderr, StringWriter output, StringWriter error) = Redirected(ProgressMode.StandardError);
        toStderr.Run("work", update => { update!(new ProgressUpdate(1, 1, "s", "done")); return 0; });
        Assert.Equal("", output.ToString());
        Assert.Equal("done", error.ToString().Trim());
    }
}

using Centrifuge.Cli;
using Centrifuge.Data;
using Centrifuge.Inference.Batch;
using Centrifuge.Inference.Output;
using Centrifuge.Inference.Separation;
using Centrifuge.Tests.Training;
using Centrifuge.Training;
using ValidationResult = Centrifuge.Training.ValidationResult;

namespace Centrifuge.Tests.Cli;

/// <summary>
/// The one renderer of the library's channel, as it reads when the output is redirected (tests, CI, logs): each kind of
/// event as the commands printed it before there was one channel.
/// </summary>
public class ProgressReporterTests
{
    private static (ProgressReporter Reporter, StringWriter Output, StringWriter Error) Redirected(ProgressMode mode,
        string notePrefix = "", bool notesToError = false)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        return (new ProgressReporter(new CliContext(output, error), mode) { NotePrefix = notePrefix, NotesToError = notesToError }, output, error);
    }

    private static string[] Lines(StringWriter writer) => writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static SeparationProgress Frames(int done, int total) =>
        new("/videos/clip.mp4", done, total, 2.5, done < total ? TimeSpan.FromSeconds(total - done) : null);

    [Fact]
    public void Redirected_output_gets_routine_progress_throttled_but_always_the_first_and_the_last()
    {
        (ProgressReporter reporter, StringWriter output, StringWriter error) = Redirected(ProgressMode.Auto);
        int result = reporter.Run(events =>
        {
            events.Report(new WorkStarted("clip.mp4"));
            for (int done = 8; done <= 32; done += 8) events.Report(Frames(done, 32));
            events.Note("a note");
            events.Warn("a warning");
            return 42;
        });
        Assert.Equal(42, result);
        Assert.Equal(["clip.mp4: 8/32 frames (25%), 2.5 frames/s, ETA 0:00:24", "clip.mp4: 32/32 frames (100%), 2.5 frames/s", "a note"], Lines(output));
        Assert.Equal(["centrifuge: warning: a warning"], Lines(error));
    }

    [Fact]
    public void Json_modes_keep_stdout_clean()
    {
        (ProgressReporter quiet, StringWriter quietOut, StringWriter quietErr) = Redirected(ProgressMode.None);
        quiet.Run(events =>
        {
            events.Report(Frames(32, 32));
            events.Note("a note");
            return 0;
        });
        Assert.Equal("", quietOut.ToString() + quietErr.ToString());

        (ProgressReporter toStderr, StringWriter output, StringWriter error) = Redirected(ProgressMode.StandardError);
        toStderr.Run(events =>
        {
            events.Report(new PrepareProgress(1, 1, "/videos/a.mp4", "decoded"));
            events.Note("done");
            return 0;
        });
        Assert.Equal("", output.ToString());
        Assert.Equal(["prepare: [1/1] /videos/a.mp4: decoded", "done"], Lines(error));
    }

    [Fact]
    public void A_training_run_reads_as_train_prints_it()
    {
        (ProgressReporter reporter, StringWriter output, _) = Redirected(ProgressMode.Auto);
        TrainingConfig config = TrainingFixtures.Tiny(6) with { LogEvery = 3 };
        reporter.Run(events =>
        {
            events.Note("config: a.json on preset tiny");
            events.Report(new TrainingStart(0, 6, null, "moving shapes", 123, config));
            for (long i = 1; i <= 6; i++)
                events.Report(new TrainingProgress(i, 6, 0.5, 0.25, 0.001, 4, TimeSpan.FromSeconds(6 - i), false));
            events.Report(new TrainingValidated(new ValidationResult(6, 4, 0.2, 0.4, 20, 0.8, 1.5, 18, 0.7, 1) { WinRate = 0.75 }, true));
            return 0;
        });
        Assert.Equal([
            "config: a.json on preset tiny",
            "training 123 parameters on moving shapes for 6 iterations",
            "iteration 1/6  loss 0.2500  lr 0.001  4.00 it/s  ETA 0:00:05",   // the first step, then every log_every
            "iteration 3/6  loss 0.2500  lr 0.001  4.00 it/s  ETA 0:00:03",
            "iteration 6/6  loss 0.2500  lr 0.001  4.00 it/s  ETA 0:00:00",
            "validation at 6: loss 0.2000, identity 0.4000, ratio 0.500, PSNR 20.00 dB, SSIM 0.800, win rate 75 % (4 pairs); best so far: best.ckpt",
        ], Lines(output));
    }

    [Fact]
    public void A_batch_prints_a_line_per_input_and_its_failures_and_notes_on_stderr()
    {
        (ProgressReporter reporter, StringWriter output, StringWriter error) = Redirected(ProgressMode.Auto, "centrifuge: note: ", notesToError: true);
        var summary = new SeparationSummary("/videos/a.mp4", 32, 64, 48, 25, 2, [1, 2], 4, 8, 300) { FfmpegPeakMemoryMb = 20 };
        var separated = new SeparationResult("/out/a", summary, new SlidingWindowStats(32, 5, 2, (0, 1), 40, 0), []);
        reporter.Run(events =>
        {
            events.Note("/out/b: partial output; redoing it");
            events.Report(new SeparationOutcome("/videos/a.mp4", separated, null, ExitCodes.Ok));
            events.Report(new SeparationOutcome("/videos/b.mp4", null, "/videos/b.mp4: no such file", ExitCodes.MissingInput));
            events.Report(new SeparationOutcome("/videos/c.mp4", null, null, ExitCodes.Ok) { Skipped = "/out/c: complete" });
            return 0;
        });
        Assert.Equal([
            "/videos/a.mp4 -> /out/a/ (32 frames, 64x48, 2 layers, pair 1+2, 4.0 s, 8.00 frames/s, peak memory 300 MB + 20 MB in ffmpeg)",
            "/videos/c.mp4: skipped, already separated: /out/c: complete",
        ], Lines(output));
        Assert.Equal(["centrifuge: note: /out/b: partial output; redoing it", "centrifuge: error: /videos/b.mp4: no such file (skipped)"], Lines(error));
    }

    [Fact]
    public void Preparing_shows_every_source_that_did_work_and_throttles_the_reused_ones()
    {
        (ProgressReporter reporter, StringWriter output, StringWriter error) = Redirected(ProgressMode.Auto, "prepare: ", notesToError: true);
        reporter.Run(events =>
        {
            events.Note("/cache: another process is preparing this clip cache; waiting for it");
            events.Report(new PrepareProgress(1, 4, "/v/a.mp4", PrepareProgress.Cached));
            events.Report(new PrepareProgress(2, 4, "/v/b.mp4", PrepareProgress.Cached));
            events.Report(new PrepareProgress(3, 4, "/v/c.mp4", "decoded"));
            events.Report(new PrepareProgress(4, 4, "/v/d.mp4", PrepareProgress.Cached));
            return 0;
        });
        Assert.Equal(["prepare: [1/4] /v/a.mp4: cached", "prepare: [3/4] /v/c.mp4: decoded", "prepare: [4/4] /v/d.mp4: cached"], Lines(output));
        Assert.Equal(["prepare: /cache: another process is preparing this clip cache; waiting for it"], Lines(error));
    }
}

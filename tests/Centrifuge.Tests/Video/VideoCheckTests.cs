using Centrifuge.Video;

namespace Centrifuge.Tests.Video;

/// <summary>What `probe` does per file, as a library call: a record and an exit code, never an exception for a bad file.</summary>
[Collection(VideoCollection.Name)]
public class VideoCheckTests(VideoClips clips)
{
    [Fact]
    public void A_good_file_a_bad_file_and_their_batch_exit_code()
    {
        (ProbeRecord good, int goodCode) = VideoCheck.Inspect(clips.Path("testsrc.mkv"), new VideoReadOptions());
        Assert.Equal(ExitCodes.Ok, goodCode);
        Assert.Null(good.Error);
        Assert.True(good.Frames > 0);
        Assert.Equal(FrameLoss.None, good.FramesLost);

        (ProbeRecord bad, int badCode) = VideoCheck.Inspect(clips.Path("text.mp4"));
        Assert.NotEqual(ExitCodes.Ok, badCode);
        Assert.NotNull(bad.Error);
        Assert.Null(bad.Width);

        Assert.Equal(ExitCodes.PartialFailure, VideoCheck.ExitCode([(good, goodCode), (bad, badCode)]));
        Assert.Equal(badCode, VideoCheck.ExitCode([(bad, badCode)]));
        Assert.Equal(ExitCodes.Ok, VideoCheck.ExitCode([(good, goodCode)]));
    }
}

using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Video;

public class StartFrameOnRealFileTests
{
    // cockatoo.mp4 has no IDR frame after its first: an input seek (-ss) to frame 132 used to fail with
    // "corrupt decoded frame" and the Data stage's direct reader reported "no frames decoded from frame 132".
    [SkippableFact]
    public void Reading_from_a_start_frame_returns_exactly_the_frames_a_full_read_has_there()
    {
        string path = Repo.RequireSample("python3-imageio/cockatoo.mp4");
        var scaled = new VideoReadOptions { ShortSide = 36 };

        using var full = VideoReader.Open(path, scaled);
        var all = new List<FrameChunk>();
        while (full.ReadChunk(64) is { } chunk) all.Add(chunk);
        byte[] everything = all.SelectMany(c => c.Rgb).ToArray();

        using var part = VideoReader.Open(path, scaled with { StartFrame = 132, MaxFrames = 16 });
        FrameChunk? read = part.ReadChunk(16);
        Assert.NotNull(read);
        Assert.Equal(16, read!.Frames);
        int frameBytes = read.Height * read.Width * 3;
        Assert.Equal(everything.AsSpan(132 * frameBytes, 16 * frameBytes).ToArray(), read.Rgb);
    }
}

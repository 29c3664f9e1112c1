using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Video;

[Collection(VideoCollection.Name)]
public class VideoReaderTests(VideoClips clips)
{
    private const int FrameBytes = VideoClips.Width * VideoClips.Height * 3;

    [Fact]
    public void Reads_every_frame_in_chunks_of_T_with_a_short_last_chunk()
    {
        using VideoReader reader = VideoReader.Open(clips.Path("testsrc.mkv"));
        int[] sizes = reader.ReadChunks(16).Select(c => c.Frames).ToArray();
        Assert.Equal([16, 16, 16, 2], sizes);
        Assert.Equal(VideoClips.Frames, reader.FramesRead);
        Assert.Equal(FrameLoss.None, reader.FramesLost);
        Assert.Null(reader.ReadChunk(16));
        Assert.Empty(reader.Warnings);
    }

    [Fact]
    public void Asking_for_a_huge_chunk_allocates_only_what_the_file_holds()
    {
        using VideoReader reader = VideoReader.Open(clips.Path("color.mkv"));
        FrameChunk chunk = reader.ReadChunk(int.MaxValue)!;
        Assert.Equal(10, chunk.Frames);
        Assert.Equal(10 * 64 * 48 * 3, chunk.Rgb.Length);
        Assert.Null(reader.ReadChunk(int.MaxValue));
    }

    [Fact]
    public void Color_clip_decodes_to_its_exact_colour()
    {
        byte[] all = VideoClips.ReadAll(clips.Path("color.mkv"));
        Assert.Equal(10 * 64 * 48 * 3, all.Length);
        for (int i = 0; i < all.Length; i += 3) Assert.Equal((0x33, 0x66, 0xCC), (all[i], all[i + 1], all[i + 2]));
    }

    [Theory]
    [InlineData("testsrc.mkv")]
    [InlineData("testsrc.mp4")]
    public void StartFrame_and_MaxFrames_select_exactly_those_frames(string name)
    {
        byte[] all = VideoClips.ReadAll(clips.Path(name));
        byte[] part = VideoClips.ReadAll(clips.Path(name), new VideoReadOptions { StartFrame = 17, MaxFrames = 9 });
        Assert.Equal(all.AsSpan(17 * FrameBytes, 9 * FrameBytes).ToArray(), part);
    }

    [Fact]
    public void StartSeconds_seeks_by_time()
    {
        byte[] all = VideoClips.ReadAll(clips.Path("testsrc.mkv"));
        byte[] part = VideoClips.ReadAll(clips.Path("testsrc.mkv"), new VideoReadOptions { StartSeconds = 1.0, MaxFrames = 5 });
        Assert.Equal(all.AsSpan(25 * FrameBytes, 5 * FrameBytes).ToArray(), part);
    }

    [Fact]
    public void TargetFps_resamples_to_a_constant_rate()
    {
        using VideoReader reader = VideoReader.Open(clips.Path("testsrc.mkv"), new VideoReadOptions { TargetFps = 10 });
        Assert.Equal(20, reader.ReadChunks(8).Sum(c => c.Frames));   // 2 s at 10 fps
    }

    [Fact]
    public void Crop_window_and_centre_crop_match_a_plain_loop_over_the_full_frames()
    {
        byte[] all = VideoClips.ReadAll(clips.Path("testsrc.mkv"), new VideoReadOptions { MaxFrames = 3 });
        byte[] window = VideoClips.ReadAll(clips.Path("testsrc.mkv"),
            new VideoReadOptions { MaxFrames = 3, Crop = new CropWindow(10, 20, 40, 30) });
        byte[] centre = VideoClips.ReadAll(clips.Path("testsrc.mkv"),
            new VideoReadOptions { MaxFrames = 3, CenterCrop = (64, 50) });
        Assert.Equal(Crop(all, 3, 10, 20, 40, 30), window);
        Assert.Equal(Crop(all, 3, (160 - 64) / 2, (120 - 50) / 2, 64, 50), centre);
    }

    [Fact]
    public void ShortSide_area_downscale_by_two_matches_a_2x2_box_average()
    {
        byte[] all = VideoClips.ReadAll(clips.Path("mandelbrot.mkv"), new VideoReadOptions { MaxFrames = 2 });
        using VideoReader reader = VideoReader.Open(clips.Path("mandelbrot.mkv"), new VideoReadOptions { MaxFrames = 2, ShortSide = 48 });
        Assert.Equal((64, 48), (reader.Width, reader.Height));
        FrameChunk small = reader.ReadChunk(2)!;
        int maxError = 0;
        for (int t = 0; t < 2; t++)
            for (int y = 0; y < 48; y++)
                for (int x = 0; x < 64; x++)
                    for (int c = 0; c < 3; c++)
                    {
                        double sum = 0;
                        for (int dy = 0; dy < 2; dy++)
                            for (int dx = 0; dx < 2; dx++)
                                sum += all[((t * 96 + 2 * y + dy) * 128 + 2 * x + dx) * 3 + c];
                        int got = small.Rgb[((t * 48 + y) * 64 + x) * 3 + c];
                        maxError = Math.Max(maxError, (int)Math.Abs(got - sum / 4));
                    }
        Assert.True(maxError <= 2, $"area scale differs from the box average by {maxError}");
    }

    [Fact]
    public void Crop_larger_than_the_frame_upscales_with_a_warning_or_is_refused_under_strict()
    {
        using (VideoReader reader = VideoReader.Open(clips.Path("color.mkv"), new VideoReadOptions { CenterCrop = (96, 96) }))
        {
            Assert.Equal((96, 96), (reader.Width, reader.Height));
            Assert.Contains(reader.Warnings, w => w.Contains("smaller than the crop 96x96") && w.Contains("upscaled to 128x96"));
            Assert.Equal(10, reader.ReadChunks(4).Sum(c => c.Frames));
        }
        var e = Assert.Throws<CentrifugeException>(() =>
            VideoReader.Open(clips.Path("color.mkv"), new VideoReadOptions { CenterCrop = (96, 96), Strict = true }));
        Assert.Equal(ExitCodes.FrameTooSmall, e.ExitCode);
        Assert.Contains("color.mkv: frame 64x48 is smaller than the crop 96x96", e.Message);
    }

    [Fact]
    public void Fewer_frames_than_requested_warns_or_is_refused_under_strict()
    {
        using (VideoReader reader = VideoReader.Open(clips.Path("color.mkv"), new VideoReadOptions { MaxFrames = 25 }))
        {
            Assert.Equal(10, reader.ReadChunks(8).Sum(c => c.Frames));
            Assert.Contains(reader.Warnings, w => w.Contains("only 10 of 25 requested frames"));
        }
        var e = Assert.Throws<CentrifugeException>(() =>
            VideoReader.Open(clips.Path("color.mkv"), new VideoReadOptions { MaxFrames = 25, StartFrame = 4, Strict = true }));
        Assert.Equal(ExitCodes.TooShort, e.ExitCode);
        Assert.Contains("color.mkv: only 6 frames available from frame 4, 25 requested", e.Message);
    }

    [Fact]
    public void Corrupt_stream_yields_every_frame_ffmpeg_decodes_and_counts_the_lost_ones()
    {
        VideoInfo info = VideoProbe.Probe(clips.Path("corrupt.avi"));
        Assert.NotNull(info.Damage);
        Assert.Equal(VideoClips.CountWithFfprobe(clips.Path("corrupt.avi")), info.Frames);   // ffprobe conceals damage too
        Assert.Equal(VideoClips.Frames - info.Frames, info.FramesLost.Count);                    // the header promised 50
        Assert.True(info.FramesLost.Count > 0, info.Damage!.Reason);

        using VideoReader reader = VideoReader.Open(clips.Path("corrupt.avi"));
        byte[] got = reader.ReadChunks(7).SelectMany(c => c.Rgb.Take(c.Frames * c.FrameBytes)).ToArray();
        Assert.Equal(info.Frames, reader.FramesRead);
        Assert.Equal(info.FramesLost, reader.FramesLost);
        Assert.Contains(reader.Warnings, w => w.Contains("decode errors") && w.Contains(info.FramesLost.Describe()));
        // The damage sits in the middle of the file: the frames before it are the intact file's, bit for bit.
        byte[] clean = VideoClips.ReadAll(clips.Path("mpeg4.avi"), new VideoReadOptions { MaxFrames = 10 });
        Assert.Equal(clean, got[..clean.Length]);

        var e = Assert.Throws<CentrifugeException>(() => VideoReader.Open(clips.Path("corrupt.avi"), new VideoReadOptions { Strict = true }));
        Assert.Equal(ExitCodes.DecodeFailed, e.ExitCode);
    }

    [Fact]
    public void Truncated_file_yields_its_decodable_frames_and_reports_the_rest_lost()
    {
        using VideoReader reader = VideoReader.Open(clips.Path("truncated.mp4"));
        int frames = reader.ReadChunks(16).Sum(c => c.Frames);
        Assert.InRange(frames, 1, VideoClips.Frames - 1);
        Assert.Equal(VideoClips.Frames - frames, reader.FramesLost.Count);
        var e = Assert.Throws<CentrifugeException>(() => VideoReader.Open(clips.Path("truncated.mp4"), new VideoReadOptions { Strict = true }));
        Assert.Equal(ExitCodes.TruncatedInput, e.ExitCode);
    }

    [Fact]
    public void A_4096x4096_video_is_scaled_inside_ffmpeg_and_memory_stays_bounded()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        using VideoReader reader = VideoReader.Open(clips.Path("huge.avi"), new VideoReadOptions { ShortSide = 112 });
        Assert.Equal((112, 112), (reader.Width, reader.Height));
        Assert.Equal(3, reader.ReadChunks(1).Sum(c => c.Frames));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // One full-size frame would be 48 MiB; everything this reader allocated is a small fraction of that.
        Assert.True(allocated < 8L << 20, $"allocated {allocated} bytes");
    }

    [SkippableFact]
    public void Real_vtest_avi_reads_fully_at_short_side_112()
    {
        string path = Repo.RequireSample("opencv-doc/vtest.avi");
        using VideoReader reader = VideoReader.Open(path, new VideoReadOptions { ShortSide = 112, CenterCrop = (112, 112) });
        Assert.Equal(795, reader.ReadChunks(64).Sum(c => c.Frames));
        Assert.Equal(FrameLoss.None, reader.FramesLost);
    }

    private static byte[] Crop(byte[] frames, int count, int x0, int y0, int w, int h)
    {
        var result = new byte[count * w * h * 3];
        int i = 0;
        for (int t = 0; t < count; t++)
            for (int y = y0; y < y0 + h; y++)
                for (int x = x0; x < x0 + w; x++)
                    for (int c = 0; c < 3; c++)
                        result[i++] = frames[((t * VideoClips.Height + y) * VideoClips.Width + x) * 3 + c];
        return result;
    }
}

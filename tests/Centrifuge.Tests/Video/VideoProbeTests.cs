using System.Text.Json;
using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Video;

[Collection(VideoCollection.Name)]
public class VideoProbeTests(VideoClips clips)
{
    [Fact]
    public void Probe_reports_size_rate_duration_codec_and_counted_frames()
    {
        VideoInfo info = VideoProbe.Probe(clips.Path("testsrc.mp4"));
        Assert.Equal((160, 120, 0), (info.Width, info.Height, info.Rotation));
        Assert.Equal(25.0, info.Fps, 6);
        Assert.Equal(25.0, info.RealFps, 6);
        Assert.Equal(2.0, info.DurationSeconds, 2);
        Assert.Equal("h264", info.Codec);
        Assert.Equal("yuv420p", info.PixelFormat);
        Assert.Equal(VideoClips.Frames, info.Frames);
        Assert.Null(info.Damage);
        Assert.True(info.IsConstantRate);
    }

    [Fact]
    public void Rotation_metadata_swaps_displayed_width_and_height_and_the_reader_delivers_upright_frames()
    {
        VideoInfo info = VideoProbe.Probe(clips.Path("rotated.mp4"));
        Assert.Contains(info.Rotation, new[] { 90, 270 });
        Assert.Equal((120, 160), (info.Width, info.Height));
        // Same coded stream (copied): the displayed frame is the coded one turned clockwise by Rotation degrees.
        byte[] coded = VideoClips.ReadAll(clips.Path("testsrc.mp4"), new VideoReadOptions { MaxFrames = 1 });
        byte[] shown = VideoClips.ReadAll(clips.Path("rotated.mp4"), new VideoReadOptions { MaxFrames = 1 });
        const int w = 160, h = 120;   // coded size; shown is h wide, w high
        for (int y = 0; y < w; y++)
            for (int x = 0; x < h; x++)
            {
                (int sy, int sx) = info.Rotation == 90 ? (h - 1 - x, y) : (x, w - 1 - y);
                for (int c = 0; c < 3; c++)
                    Assert.Equal(coded[(sy * w + sx) * 3 + c], shown[(y * h + x) * 3 + c]);
            }
    }

    [SkippableFact]
    public void Theora_without_an_average_rate_falls_back_to_the_real_frame_rate()
    {
        string? ogv = clips.Exotic("theora.ogv", "libtheora");
        Skip.If(ogv is null, "this ffmpeg has no libtheora encoder");
        VideoInfo info = VideoProbe.Probe(ogv!);
        Assert.Equal(25.0, info.Fps, 3);
        Assert.Equal(VideoClips.CountWithFfprobe(ogv!), info.Frames);
    }

    [Fact]
    public void Frame_counts_are_cached_on_disk_by_path_size_and_time()
    {
        string copy = clips.Path("cache-probe.mkv");
        File.Copy(clips.Path("color.mkv"), copy, overwrite: true);
        Assert.Equal(10, VideoProbe.Probe(copy).Frames);
        string cache = File.ReadAllText(FrameCounter.CacheFile);
        using JsonDocument doc = JsonDocument.Parse(cache);
        string key = doc.RootElement.EnumerateObject().Select(p => p.Name).Single(n => n.StartsWith(Path.GetFullPath(copy) + "|"));
        Assert.Equal(10, doc.RootElement.GetProperty(key).GetProperty("frames").GetInt32());
    }

    [SkippableFact]
    public void Real_samples_probe_to_the_counted_frames_of_the_manifest_even_where_headers_disagree()
    {
        string manifestPath = Path.Combine(Repo.SamplesDir, "manifest.json");
        Skip.IfNot(File.Exists(manifestPath), "sample corpus not fetched: run scripts/fetch-samples.sh");
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        int headerDisagreements = 0;
        // The files under 1.3 MB (15 of 20: AVI, MP4, MPEG-PS, Ogg; cinepak, mpeg4, h264, mpeg2, theora, vp9) keep it fast.
        foreach (JsonElement entry in manifest.RootElement.EnumerateArray().Where(e => e.GetProperty("bytes").GetInt64() < 1_300_000))
        {
            string file = entry.GetProperty("file").GetString()!;
            VideoInfo info = VideoProbe.Probe(Repo.RequireSample(file));
            Assert.True(entry.GetProperty("frames").GetInt32() == info.Frames, $"{file}: {info.Frames} frames");
            Assert.Equal(entry.GetProperty("width").GetInt32(), info.Width);
            Assert.Equal(entry.GetProperty("height").GetInt32(), info.Height);
            Assert.Equal(entry.GetProperty("fps").GetDouble(), info.Fps, 2);
            Assert.Null(info.Damage);
            if (info.HeaderFrames != 0 && info.HeaderFrames != info.Frames) headerDisagreements++;
        }
        // tree.avi (444 vs 68), balle1-vp9.avi (300 vs 295), movie-hello.mp4/.avi (+1): the header lies.
        Assert.True(headerDisagreements >= 2, $"{headerDisagreements} headers disagreed");
    }

    [Fact]
    public void Fast_mode_trusts_a_consistent_header_and_counts_otherwise()
    {
        VideoInfo mp4 = VideoProbe.Probe(clips.Path("testsrc.mp4"), FrameCountMode.HeaderWhenConsistent);
        Assert.Equal((VideoClips.Frames, false), (mp4.Frames, mp4.FramesCounted));
        VideoInfo mkv = VideoProbe.Probe(clips.Path("testsrc.mkv"), FrameCountMode.HeaderWhenConsistent);   // MKV has no count
        Assert.Equal((VideoClips.Frames, true), (mkv.Frames, mkv.FramesCounted));
        Assert.True(VideoProbe.Probe(clips.Path("testsrc.mp4")).FramesCounted);
    }

    [SkippableFact]
    public void Header_count_of_tree_avi_is_not_trusted()
    {
        VideoInfo info = VideoProbe.Probe(Repo.RequireSample("opencv-doc/tree.avi"));
        Assert.Equal(444, info.HeaderFrames);
        Assert.Equal(68, info.Frames);
        using VideoReader reader = VideoReader.Open(info.Path, new VideoReadOptions { ShortSide = 32 });
        Assert.Equal(68, reader.ReadChunks(30).Sum(c => c.Frames));
    }
}

using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Video;

/// <summary>Codecs users' archives contain: each generated with this ffmpeg's encoder, then probed and decoded.</summary>
[Collection(VideoCollection.Name)]
public class ExoticCodecTests(VideoClips clips)
{
    [SkippableTheory]
    [InlineData("cinepak.avi", "cinepak", "cinepak")]
    [InlineData("theora.ogv", "libtheora", "theora")]
    [InlineData("vp9.avi", "libvpx-vp9", "vp9", "-deadline", "realtime", "-cpu-used", "8")]
    [InlineData("ffv1.mkv", "ffv1", "ffv1")]
    [InlineData("huffyuv.avi", "huffyuv", "huffyuv")]
    [InlineData("mjpeg.avi", "mjpeg", "mjpeg")]
    [InlineData("mpeg1.mpg", "mpeg1video", "mpeg1video")]
    [InlineData("mpeg2.mpg", "mpeg2video", "mpeg2video")]
    [InlineData("msmpeg4.avi", "msmpeg4", "msmpeg4v3")]
    public void Exotic_codec_decodes_every_frame(string name, string encoder, string codec, params string[] extra)
    {
        string? path = clips.Exotic(name, encoder, extra);
        Skip.If(path is null, $"this ffmpeg has no {encoder} encoder");
        VideoInfo info = VideoProbe.Probe(path!);
        Assert.Equal((codec, 64, 48), (info.Codec, info.Width, info.Height));
        Assert.Equal(VideoClips.CountWithFfprobe(path!), info.Frames);
        Assert.InRange(info.Frames, 9, 12);   // libtheora's ogg output drops the last frames of such a short clip
        using VideoReader reader = VideoReader.Open(path!, new VideoReadOptions { ShortSide = 32 });
        Assert.Equal(info.Frames, reader.ReadChunks(5).Sum(c => c.Frames));
        Assert.Equal((43, 32), (reader.Width, reader.Height));
        Assert.Equal(FrameLoss.None, reader.FramesLost);
    }

    [SkippableFact]
    public void Indeo3_has_no_encoder_so_a_real_sample_is_needed()
    {
        string? sample = Directory.Exists(Repo.SamplesDir)
            ? Directory.EnumerateFiles(Repo.SamplesDir, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".avi", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".mov", StringComparison.OrdinalIgnoreCase))
                .FirstOrDefault(f => VideoProbe.Probe(f).Codec == "indeo3")
            : null;
        Skip.If(sample is null, "no indeo3 sample in the corpus and ffmpeg has no indeo3 encoder");
        VideoInfo info = VideoProbe.Probe(sample!);
        using VideoReader reader = VideoReader.Open(sample!);
        Assert.Equal(info.Frames, reader.ReadChunks(32).Sum(c => c.Frames));
    }

    [SkippableTheory]
    [InlineData("opencv-doc/tree.avi", 68)]
    [InlineData("python3-mecavideo/balle1-vp9.avi", 295)]
    [InlineData("python3-mecavideo/Effet_force_magnetique.ogv", 34)]
    [InlineData("forensics-samples-files/movie-hello.mpeg", 249)]
    public void Real_exotic_samples_decode_to_their_counted_frames(string file, int frames)
    {
        string path = Repo.RequireSample(file);
        using VideoReader reader = VideoReader.Open(path, new VideoReadOptions { ShortSide = 64 });
        Assert.Equal(frames, reader.ReadChunks(64).Sum(c => c.Frames));
        Assert.Equal(FrameLoss.None, reader.FramesLost);
    }
}

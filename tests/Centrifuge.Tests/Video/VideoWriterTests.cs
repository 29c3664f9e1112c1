using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Video;

[Collection(VideoCollection.Name)]
public class VideoWriterTests(VideoClips clips)
{
    [Fact]
    public void Lossless_round_trip_is_bit_exact()
    {
        using var dir = new TempDir();
        var rng = new Random(3);
        var frames = new byte[7 * 40 * 30 * 3];
        rng.NextBytes(frames);
        string path = dir.File("noise.mkv");
        using (VideoWriter writer = VideoWriter.Create(path, 40, 30, 12.5, new VideoWriterOptions { Lossless = true }))
        {
            writer.Write(new FrameChunk(frames[..(3 * 3600)], 3, 30, 40));
            writer.Write(new FrameChunk(frames[(3 * 3600)..], 4, 30, 40));
            writer.Complete();
        }
        Assert.Equal(frames, VideoClips.ReadAll(path));
        VideoInfo info = VideoProbe.Probe(path);
        Assert.Equal(("ffv1", 7, 12.5), (info.Codec, info.Frames, info.Fps));
        Assert.Equal(["noise.mkv"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void H264_round_trip_keeps_psnr_above_35_db()
    {
        using var dir = new TempDir();
        byte[] source = VideoClips.ReadAll(clips.Path("gradients.mkv"));
        string path = dir.File("gradients.mp4");
        using (VideoWriter writer = VideoWriter.Create(path, 128, 96, 25))
        {
            writer.Write(new FrameChunk(source, 24, 96, 128));
            writer.Complete();
        }
        double psnr = Psnr(source, VideoClips.ReadAll(path));
        Assert.True(psnr > 35, $"PSNR {psnr:F2} dB");
        Assert.Equal(("h264", "yuv420p"), (VideoProbe.Probe(path).Codec, VideoProbe.Probe(path).PixelFormat));
    }

    [SkippableFact]
    public void H264_round_trip_of_real_footage_keeps_psnr_above_35_db()
    {
        string sample = Repo.RequireSample("opencv-doc/vtest.avi");
        using var dir = new TempDir();
        var options = new VideoReadOptions { MaxFrames = 16, ShortSide = 120 };
        byte[] source = VideoClips.ReadAll(sample, options);
        string path = dir.File("vtest.mp4");
        using (VideoWriter writer = VideoWriter.Create(path, 160, 120, 10))
        {
            writer.Write(new FrameChunk(source, 16, 120, 160));
            writer.Complete();
        }
        double psnr = Psnr(source, VideoClips.ReadAll(path));
        Assert.True(psnr > 35, $"PSNR {psnr:F2} dB");
    }

    // Peak signal-to-noise ratio over all bytes, in dB (plain double-precision loop).
    private static double Psnr(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double se = 0;
        for (int i = 0; i < a.Length; i++) se += (a[i] - b[i]) * (double)(a[i] - b[i]);
        return 10 * Math.Log10(255.0 * 255.0 / (se / a.Length));
    }

    [Fact]
    public void Odd_sizes_are_padded_to_even_for_h264_and_say_so()
    {
        using var dir = new TempDir();
        byte[] source = VideoClips.ReadAll(clips.Path("mandelbrot.mkv"),
            new VideoReadOptions { MaxFrames = 10, Crop = new CropWindow(0, 0, 75, 49) });
        string path = dir.File("odd.mp4");
        using (VideoWriter writer = VideoWriter.Create(path, 75, 49, 10))
        {
            Assert.Contains(writer.Warnings, w => w.Contains("75x49 padded to 76x50"));
            writer.Write(new FrameChunk(source, 10, 49, 75));
            writer.Complete();
        }
        VideoInfo info = VideoProbe.Probe(path);
        Assert.Equal((76, 50, 10), (info.Width, info.Height, info.Frames));
    }

    [Theory]
    [InlineData(64, 48, 128, 96)]    // enlarged: bilinear
    [InlineData(128, 96, 64, 48)]    // shrunk: area average
    [InlineData(64, 48, 97, 73)]     // to an odd size: scaled, then padded for H.264 as any odd size
    public void ScaleTo_encodes_at_the_new_size_as_an_independent_resize_does(int width, int height, int toWidth, int toHeight)
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        const int frames = 6;
        byte[] source = VideoClips.ReadAll(clips.Path("gradients.mkv"), new VideoReadOptions { MaxFrames = frames, ShortSide = height });
        bool odd = toWidth % 2 != 0;
        string path = dir.File(odd ? "scaled.mp4" : "scaled.mkv");
        using (VideoWriter writer = VideoWriter.Create(path, width, height, 25,
                   new VideoWriterOptions { Lossless = !odd, ScaleTo = (toWidth, toHeight) }))
        {
            Assert.Equal((width, height), (writer.Width, writer.Height));
            Assert.Equal(odd, writer.Warnings.Any(w => w.Contains($"{toWidth}x{toHeight} padded to {toWidth + 1}x{toHeight + 1}")));
            writer.Write(new FrameChunk(source, frames, height, width));
            writer.Complete();
        }
        VideoInfo info = VideoProbe.Probe(path);
        Assert.Equal((toWidth + toWidth % 2, toHeight + toHeight % 2, frames), (info.Width, info.Height, info.Frames));
        if (odd) return;

        // The reference: torch's resize of the same frames (bilinear without corner alignment, or area).
        Tensor planes = FrameTensors.ToTensor(new FrameChunk(source, frames, height, width)).permute(1, 0, 2, 3);   // [T, 3, h, w]
        Tensor resized = toWidth > width
            ? nn.functional.interpolate(planes, new long[] { toHeight, toWidth }, mode: InterpolationMode.Bilinear, align_corners: false)
            : nn.functional.interpolate(planes, new long[] { toHeight, toWidth }, mode: InterpolationMode.Area);
        FrameChunk expected = FrameTensors.FromTensor(resized.permute(1, 0, 2, 3));
        double psnr = Psnr(expected.Rgb.AsSpan(0, frames * expected.FrameBytes).ToArray(), VideoClips.ReadAll(path));
        Assert.True(psnr > 40, $"PSNR {psnr:F2} dB against torch's resize");
    }

    [Fact]
    public void Tensors_in_minus_one_to_one_are_written_and_read_back()
    {
        TorchRuntime.EnsureLoaded();
        using var dir = new TempDir();
        using var scope = torch.NewDisposeScope();
        Tensor video = torch.linspace(-1, 1, 3 * 4 * 8 * 10).reshape(3, 4, 8, 10);   // [3, T, H, W] in [-1, 1]
        string path = dir.File("ramp.mkv");
        using (VideoWriter writer = VideoWriter.Create(path, 10, 8, 25, new VideoWriterOptions { Lossless = true }))
        {
            writer.Write(video);
            writer.Complete();
        }
        using VideoReader reader = VideoReader.Open(path);
        Tensor back = FrameTensors.ToTensor(reader.ReadChunk(4)!);
        Assert.True((back - video).abs().max().item<float>() <= 1 / 127.5f + 1e-6f);
    }

    [Fact]
    public void Existing_output_is_refused_without_force_and_replaced_with_it()
    {
        using var dir = new TempDir();
        string path = dir.File("exists.mkv");
        File.WriteAllText(path, "keep me");
        var e = Assert.Throws<CentrifugeException>(() => VideoWriter.Create(path, 64, 48, 25, new VideoWriterOptions { Lossless = true }));
        Assert.Equal(ExitCodes.OutputExists, e.ExitCode);
        Assert.Contains("exists.mkv: already exists", e.Message);
        Assert.Equal("keep me", File.ReadAllText(path));

        byte[] color = VideoClips.ReadAll(clips.Path("color.mkv"));
        using (VideoWriter writer = VideoWriter.Create(path, 64, 48, 25, new VideoWriterOptions { Lossless = true, Force = true }))
        {
            writer.Write(new FrameChunk(color, 10, 48, 64));
            writer.Complete();
        }
        Assert.Equal(color, VideoClips.ReadAll(path));
    }

    [Fact]
    public void Dispose_without_complete_leaves_no_file_behind()
    {
        using var dir = new TempDir();
        string path = dir.File("abandoned.mp4");
        byte[] color = VideoClips.ReadAll(clips.Path("color.mkv"));
        using (VideoWriter writer = VideoWriter.Create(path, 64, 48, 25))
        {
            writer.Write(new FrameChunk(color, 10, 48, 64));
            Assert.StartsWith(dir.File(".abandoned.mp4.tmp-"), writer.TempPath);
        }
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Encoder_failure_is_a_write_error_and_leaves_no_file_behind()
    {
        using var dir = new TempDir();
        string path = dir.File("bad-preset.mp4");
        using (VideoWriter writer = VideoWriter.Create(path, 64, 48, 25, new VideoWriterOptions { Preset = "no-such-preset" }))
        {
            var e = Assert.Throws<CentrifugeException>(() =>
            {
                for (int i = 0; i < 50; i++) writer.Write(new FrameChunk(new byte[64 * 48 * 3], 1, 48, 64));
                writer.Complete();
            });
            Assert.Equal(ExitCodes.WriteFailed, e.ExitCode);
            Assert.Contains("bad-preset.mp4: encoding failed", e.Message);
        }
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Reading_a_corrupt_input_under_strict_leaves_no_output_behind()
    {
        using var dir = new TempDir();
        string output = dir.File("copy.mp4");
        var e = Assert.Throws<CentrifugeException>(() =>
        {
            using VideoReader reader = VideoReader.Open(clips.Path("corrupt.avi"), new VideoReadOptions { Strict = true, StartFrame = 0 });
            using VideoWriter writer = VideoWriter.Create(output, reader.Width, reader.Height, reader.Info.Fps);
            foreach (FrameChunk chunk in reader.ReadChunks(8)) writer.Write(chunk);
            writer.Complete();
        });
        Assert.Equal(ExitCodes.DecodeFailed, e.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_failed_read_part_way_leaves_no_output_behind()
    {
        using var dir = new TempDir();
        string output = dir.File("copy.mkv");
        var e = Assert.Throws<CentrifugeException>(() =>
        {
            using VideoReader reader = VideoReader.Open(clips.Path("color.mkv"), new VideoReadOptions { MaxFrames = 40 });
            using VideoWriter writer = VideoWriter.Create(output, reader.Width, reader.Height, reader.Info.Fps,
                new VideoWriterOptions { Lossless = true });
            foreach (FrameChunk chunk in reader.ReadChunks(4)) writer.Write(chunk);   // 10 frames written to the temp file
            if (reader.FramesRead < 40) throw new CentrifugeException($"{output}: input too short", ExitCodes.TooShort);
            writer.Complete();
        });
        Assert.Equal(ExitCodes.TooShort, e.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}

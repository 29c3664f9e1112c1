using System.Diagnostics;
using Centrifuge.Video;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Losses;

/// <summary>
/// Decodes real sample clips the way the paper feeds Kinetics (short side resized to 1.15 × crop, centre crop)
/// straight through ffmpeg, so the loss scale can be checked on real pixels without depending on Video/.
/// </summary>
internal static class SampleClips
{
    /// <summary><paramref name="frames"/> frames from <paramref name="startFrame"/>, short side → 1.15 × size, centre crop size × size: [3, T, size, size] in [-1, 1].</summary>
    public static Tensor Decode(string path, int frames, int size, int startFrame = 0)
    {
        int shortSide = (int)Math.Round(size * 1.15);
        var ffmpeg = FfmpegInstallation.Locate().FfmpegPath;
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in new[] { "-hide_banner", "-loglevel", "error", "-nostdin", "-i", path,
                     "-vf", $"trim=start_frame={startFrame},scale='if(lt(iw,ih),{shortSide},-2)':'if(lt(iw,ih),-2,{shortSide})',crop={size}:{size}",
                     "-frames:v", frames.ToString(), "-f", "rawvideo", "-pix_fmt", "rgb24", "-" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        byte[] rgb = buffer.ToArray();
        int frameBytes = size * size * 3;
        if (process.ExitCode != 0 || rgb.Length != frames * frameBytes)
            throw new InvalidOperationException($"{path}: ffmpeg gave {rgb.Length / frameBytes} of {frames} frames: {errors.Result}");
        using var scope = NewDisposeScope();
        var video = torch.tensor(rgb, new long[] { frames, size, size, 3 }).to(ScalarType.Float32)
            .permute(3, 0, 1, 2).contiguous() / 127.5f - 1f;
        return video.MoveToOuterDisposeScope();
    }
}

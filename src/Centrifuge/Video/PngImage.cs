using System.Globalization;

namespace Centrifuge.Video;

/// <summary>Writes one rgb24 image as a PNG through ffmpeg (temporary name in the same folder, then renamed).</summary>
public static class PngImage
{
    /// <summary>Writes the first frame of <paramref name="image"/> to <paramref name="path"/>.</summary>
    public static void Write(FrameChunk image, string path)
    {
        AtomicFile.Produce(path, temp => Encode(image, path, temp), extension: ".png");
    }

    private static void Encode(FrameChunk image, string path, string temp)
    {
        string[] arguments = ["-nostdin", "-hide_banner", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
            "-s", $"{image.Width.ToString(CultureInfo.InvariantCulture)}x{image.Height.ToString(CultureInfo.InvariantCulture)}",
            "-i", "pipe:0", "-frames:v", "1", "-f", "image2", "-c:v", "png", "-y", temp];
        using FfmpegProcess process = FfmpegProcess.Start(FfmpegInstallation.Locate().FfmpegPath, arguments, redirectStdin: true);
        try
        {
            process.StandardInput.Write(image.Rgb, 0, image.Height * image.Width * 3);
            process.StandardInput.Close();
        }
        catch (IOException) { }   // ffmpeg stopped early: its exit code and stderr say why
        int exitCode = process.WaitForExit(out string stderr);
        if (exitCode != 0 || !File.Exists(temp))
            throw new CentrifugeException($"{path}: writing the PNG failed ({FfmpegProcess.FirstLine(stderr).Replace(temp, path)})", ExitCodes.WriteFailed);
    }
}

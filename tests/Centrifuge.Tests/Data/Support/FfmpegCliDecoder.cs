using System.Diagnostics;
using System.Globalization;
using Centrifuge.Data;

namespace Centrifuge.Tests.Data.Support;

/// <summary>
/// A test-only decoder on the ffmpeg command line (whole file to rgb24 at a short side), independent of the library's
/// Video reader. Unreadable files raise <see cref="CentrifugeException"/> like the real one.
/// </summary>
public sealed class FfmpegCliDecoder : ISourceDecoder
{
    public int Opened;

    public IDecodedFrames Open(VideoSource source, int shortSide, int startFrame = 0, int? maxFrames = null)
    {
        Interlocked.Increment(ref Opened);
        var (w, h, fps) = Size(source, shortSide);
        var frames = new List<byte[]>();
        foreach (string file in source.FrameFiles ?? [source.Path])
            frames.Add(Decode(file, w, h));
        byte[] all = frames.SelectMany(f => f).ToArray();
        int frameBytes = w * h * 3;
        int total = all.Length / frameBytes;
        int count = Math.Min(maxFrames ?? int.MaxValue, Math.Max(0, total - startFrame));
        return new Decoded(w, h, fps, all.AsMemory(startFrame * frameBytes, count * frameBytes));
    }

    public StoredVideo Probe(VideoSource source, int shortSide)
    {
        var (w, h, fps) = Size(source, shortSide);
        using IDecodedFrames d = Open(source, shortSide);
        int frames = d.Chunks(1 << 20).Sum(c => c.Length) / (w * h * 3);
        return new StoredVideo(source, frames, h, w, fps);
    }

    private static (int W, int H, double Fps) Size(VideoSource source, int shortSide)
    {
        string file = source.FrameFiles?[0] ?? source.Path;
        string output = Run("ffprobe", $"-v error -select_streams v:0 -show_entries stream=width,height,avg_frame_rate -of csv=p=0 \"{file}\"", out _);
        string[] f = output.Trim().Split(',');
        if (f.Length < 3 || !int.TryParse(f[0], out int iw) || !int.TryParse(f[1], out int ih))
            throw new CentrifugeException($"{file}: not a video", ExitCodes.InvalidInput);
        string[] rate = f[2].Split('/');
        double fps = rate.Length == 2 && double.Parse(rate[1], CultureInfo.InvariantCulture) > 0
            ? double.Parse(rate[0], CultureInfo.InvariantCulture) / double.Parse(rate[1], CultureInfo.InvariantCulture) : 25;
        return iw <= ih
            ? (shortSide, (int)Math.Round((double)ih * shortSide / iw), fps)
            : ((int)Math.Round((double)iw * shortSide / ih), shortSide, fps);
    }

    private static byte[] Decode(string file, int w, int h)
    {
        var info = new ProcessStartInfo("ffmpeg", $"-nostdin -v error -i \"{file}\" -vf scale={w}:{h} -f rawvideo -pix_fmt rgb24 -")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        using var ms = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(ms);
        p.WaitForExit();
        if (p.ExitCode != 0 && ms.Length == 0) throw new CentrifugeException($"{file}: cannot decode ({err.Result.Trim()})", ExitCodes.DecodeFailed);
        return ms.ToArray();
    }

    private static string Run(string exe, string args, out int code)
    {
        var info = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string o = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = err.Result;
        code = p.ExitCode;
        return o;
    }

    private sealed class Decoded(int w, int h, double fps, ReadOnlyMemory<byte> data) : IDecodedFrames
    {
        public int Width => w;
        public int Height => h;
        public double Fps => fps;

        public IEnumerable<ReadOnlyMemory<byte>> Chunks(int framesPerChunk)
        {
            long step = (long)framesPerChunk * w * h * 3;
            for (long o = 0; o < data.Length; o += step) yield return data.Slice((int)o, (int)Math.Min(step, data.Length - o));
        }

        public void Dispose() { }
    }
}

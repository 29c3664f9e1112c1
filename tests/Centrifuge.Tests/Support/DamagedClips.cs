using System.Globalization;
using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Video;
using TorchSharp;

namespace Centrifuge.Tests.Support;

/// <summary>
/// Small real files for the "no silent loss" tests (issue 19), made with ffmpeg as a user would meet them: a clean
/// testsrc2 clip, the same clip with 2000 bytes zeroed mid-file, a truncated MKV, a clip whose only damage costs no
/// frame, a variable-frame-rate clip, and a tiny untrained model to separate them with.
/// </summary>
public sealed class DamagedClips : IDisposable
{
    private readonly TempDir _dir = new();

    public string Root => _dir.Path;
    /// <summary>testsrc2 320x240 at 25 fps, 2 s: 50 frames (the x.mp4).</summary>
    public string Clean { get; }
    /// <summary>Clean with bytes 30000..32000 zeroed (the c.mp4): ffmpeg decodes fewer than 50 frames.</summary>
    public string Damaged { get; }
    /// <summary>testsrc2 160x120 H.264 in Matroska, 2 s (50 frames), cut to its first 60%.</summary>
    public string TruncatedMkv { get; }
    /// <summary>testsrc2 160x120 H.264 in MPEG-TS, 2 s, cut inside a 188-byte packet at about 60%: no length is declared.</summary>
    public string TruncatedTs { get; }
    /// <summary>testsrc2 160x120 H.264 in Matroska written as a live stream (no duration), 2 s, cut to its first 60%.</summary>
    public string TruncatedStreamedMkv { get; }
    /// <summary>12 frames; 64 bytes in the middle of the last packet overwritten: decode errors, yet every frame decodes.</summary>
    public string DamagedButComplete { get; }
    /// <summary>testsrc2 at 20 fps with every 7th frame dropped and the gaps kept: 34 frames over 1.95 s.</summary>
    public string VariableRate { get; }
    /// <summary>The "tiny" preset, untrained.</summary>
    public string TinyModel { get; }

    public DamagedClips()
    {
        Clean = Make("clean.mp4", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2", "-pix_fmt", "yuv420p");
        byte[] bytes = System.IO.File.ReadAllBytes(Clean);
        Array.Clear(bytes, 30000, 2000);
        Damaged = Write("damaged.mp4", bytes);

        string mkv = Make("whole.mkv", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2", "-c:v", "libx264", "-pix_fmt", "yuv420p");
        byte[] whole = System.IO.File.ReadAllBytes(mkv);
        TruncatedMkv = Write("truncated.mkv", whole[..(whole.Length * 6 / 10)]);

        byte[] ts = System.IO.File.ReadAllBytes(Make("whole.ts", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2",
            "-c:v", "libx264", "-pix_fmt", "yuv420p"));
        TruncatedTs = Write("truncated.ts", ts[..(ts.Length * 6 / 10 / 188 * 188 + 100)]);
        byte[] live = System.IO.File.ReadAllBytes(Make("live.mkv", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-live", "1"));
        TruncatedStreamedMkv = Write("truncated-streamed.mkv", live[..(live.Length * 6 / 10)]);

        string twelve = Make("twelve.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-frames:v", "12",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart");
        byte[] tail = System.IO.File.ReadAllBytes(twelve);
        (long pos, int size) = LastPacket(twelve);
        for (long i = pos + size / 2; i < pos + size / 2 + Math.Min(64, size / 4); i++) tail[i] = 0x55;
        DamagedButComplete = Write("damaged-but-complete.mp4", tail);

        VariableRate = Make("vfr.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=20:duration=2",
            "-vf", "select='not(eq(mod(n\\,7)\\,3))'", "-fps_mode", "vfr", "-c:v", "libx264", "-pix_fmt", "yuv420p");

        TorchRuntime.EnsureLoaded();
        TinyModel = _dir.File("tiny.ckpt");
        torch.manual_seed(1);
        using CentrifugeModel model = CentrifugeModel.Create(ModelPresets.Get("tiny"));
        ModelCheckpoint.Save(model, TinyModel);
    }

    public string File(string name) => _dir.File(name);

    /// <summary>Frames ffmpeg itself decodes from a file (ffprobe -count_frames: damage concealed), and its first error line.</summary>
    public static (int Frames, string Errors) DecodeWithFfmpeg(string path)
    {
        var (_, output, error) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path]);
        return (int.Parse(output.Trim().Split('\n')[0].Trim(','), CultureInfo.InvariantCulture), error.Trim());
    }

    /// <summary>Packet timestamps of a file's video stream in presentation order (seconds).</summary>
    public static double[] PacketTimes(string path)
    {
        var (_, output, _) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => double.Parse(l.Trim().Trim(','), CultureInfo.InvariantCulture)).Order().ToArray();
    }

    public void Dispose() => _dir.Dispose();

    // The packet stored last in the file (byte offset and size).
    private static (long Pos, int Size) LastPacket(string path)
    {
        var (_, output, _) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pos,size", "-of", "csv=p=0", path]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().Trim(',').Split(','))
            .Select(p => (Pos: long.Parse(p[0], CultureInfo.InvariantCulture), Size: int.Parse(p[1], CultureInfo.InvariantCulture)))
            .MaxBy(p => p.Pos);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Make(string name, params string[] args)
    {
        string path = _dir.File(name);
        var (code, _, error) = FfmpegProcess.Run(FfmpegInstallation.Default.FfmpegPath,
            new[] { "-nostdin", "-hide_banner", "-v", "error", "-y" }.Concat(args).Append(path));
        if (code != 0) throw new InvalidOperationException($"ffmpeg could not make {name}: {error}");
        return path;
    }
}

using System.CommandLine;
using System.Diagnostics;
using Centrifuge.Video;

namespace Centrifuge.Bench;

/// <summary>
/// `decode`: VideoReader throughput (decode + resize to short side S in ffmpeg + rgb24 over the pipe into C# chunks)
/// against ffmpeg alone running the same filter chain into `-f null`. Target: the reader keeps >= 80% of ffmpeg's rate.
/// </summary>
public static class DecodeBenchmark
{
    public static Command Create()
    {
        var file = new Option<string?>("--file") { Description = "Video to decode (default: the sample vtest.avi)" };
        var repeats = new Option<int>("--repeats") { Description = "Timed runs per case (median reported)", DefaultValueFactory = _ => 5 };
        var sides = new Option<int[]>("--short-side") { Description = "Short sides to decode to", DefaultValueFactory = _ => [112, 224], AllowMultipleArgumentsPerToken = true };
        var command = new Command("decode", "VideoReader frames/s vs `ffmpeg -f null` with the same decode+scale (short side 112 and 224)");
        foreach (Option option in new Option[] { file, repeats, sides }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file) ?? DefaultSample();
            int runs = parse.GetValue(repeats);
            VideoInfo info = VideoProbe.Probe(path);   // counts frames once (cached), outside the timings
            Console.WriteLine($"machine: {Measure.MachineLine()}; {FfmpegInstallation.Default.FfmpegVersion()}");
            Console.WriteLine($"input: {path} ({info.Width}x{info.Height}, {info.Frames} frames, {info.Codec}); median of {runs} runs");
            Console.WriteLine("| short side | output | ffmpeg filter | reader frames/s | ffmpeg -f null frames/s | reader / ffmpeg |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (int side in parse.GetValue(sides) ?? [112, 224])
            {
                var options = new VideoReadOptions { ShortSide = side };
                string filter;
                int width, height;
                using (VideoReader probe = VideoReader.Open(path, options)) (filter, width, height) = (probe.Filter, probe.Width, probe.Height);
                // Runs alternate (reader, ffmpeg, reader, ...) so load from other processes hits both sides alike.
                var readerTimes = new List<double>();
                var ffmpegTimes = new List<double>();
                int frames = ReadAll(path, options);   // warm-up (page cache)
                FfmpegNull(path, filter);
                for (int i = 0; i < runs; i++)
                {
                    readerTimes.Add(Time(() => frames = ReadAll(path, options)));
                    ffmpegTimes.Add(Time(() => FfmpegNull(path, filter)));
                }
                if (frames != info.Frames) throw new InvalidOperationException($"reader delivered {frames} of {info.Frames} frames");
                double reader = Median(readerTimes), ffmpeg = Median(ffmpegTimes);
                Console.WriteLine($"| {side} | {width}x{height} | `{filter}` | {frames / reader:F0} | {frames / ffmpeg:F0} | {ffmpeg / reader:P0} |");
            }
            Console.WriteLine($"ffmpeg command: ffmpeg -nostdin -v error -i {path} -map 0:v:0 -an -vf <filter above> -fps_mode passthrough -f null -");
            return 0;
        });
        return command;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }

    private static int ReadAll(string path, VideoReadOptions options)
    {
        using VideoReader reader = VideoReader.Open(path, options);
        int frames = 0;
        foreach (FrameChunk chunk in reader.ReadChunks(32)) frames += chunk.Frames;
        return frames;
    }

    private static void FfmpegNull(string path, string filter)
    {
        var info = new ProcessStartInfo(FfmpegInstallation.Default.FfmpegPath) { UseShellExecute = false, RedirectStandardError = true };
        foreach (string a in new[] { "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-an", "-vf", filter,
                     "-fps_mode", "passthrough", "-f", "null", "-" })
            info.ArgumentList.Add(a);
        using Process process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {error}");
    }

    private static string DefaultSample()
    {
        string samples = Environment.GetEnvironmentVariable("CENTRIFUGE_SAMPLES") ?? Path.Combine("data", "samples");
        return Path.Combine(samples, "opencv-doc", "vtest.avi");
    }
}

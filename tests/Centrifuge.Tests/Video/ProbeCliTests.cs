using System.Text.Json;
using Centrifuge.Tests.Support;
using Centrifuge.Video;

namespace Centrifuge.Tests.Video;

/// <summary>Every bad input of the issue's table, end to end through `centrifuge probe`: one line, a distinct code.</summary>
[Collection(VideoCollection.Name)]
public class ProbeCliTests(VideoClips clips)
{
    [Theory]
    [InlineData("missing.mp4", ExitCodes.MissingInput, "no such file")]
    [InlineData("folder.mp4", ExitCodes.NotAFile, "is a directory, not a video file")]
    [InlineData("empty.mp4", ExitCodes.EmptyFile, "file is empty (0 bytes)")]
    [InlineData("ftyp-mdat.mp4", ExitCodes.NoVideoStream, "no video stream (MP4 has no moov box, only ftyp/mdat)")]
    [InlineData("audio-only.m4a", ExitCodes.NoVideoStream, "no video stream (streams: audio)")]
    [InlineData("text.mp4", ExitCodes.InvalidInput, "not a video ffmpeg can read")]
    [InlineData("unknown-codec.avi", ExitCodes.UnsupportedCodec, "video codec 'ZZZZ' has no decoder")]
    public void Bad_input_gets_one_line_naming_file_and_reason_and_a_distinct_exit_code(string name, int code, string reason)
    {
        string path = clips.Path(name);
        CliResult result = CliRunner.Run("probe", path);
        Assert.Equal(code, result.ExitCode);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"centrifuge: error: {path}: {reason}", lines.Single()[..$"centrifuge: error: {path}: {reason}".Length]);
    }

    [Fact]
    public void Every_bad_input_code_is_distinct_and_non_zero()
    {
        int[] codes = [ExitCodes.MissingInput, ExitCodes.NotAFile, ExitCodes.EmptyFile, ExitCodes.NoVideoStream,
            ExitCodes.InvalidInput, ExitCodes.TruncatedInput, ExitCodes.DecodeFailed, ExitCodes.TooShort,
            ExitCodes.FrameTooSmall, ExitCodes.UnsupportedCodec];
        Assert.Equal(codes.Length, codes.Distinct().Count());
        Assert.DoesNotContain(0, codes);
    }

    [Fact]
    public void Too_few_frames_and_too_small_frames_are_warnings_or_errors_under_strict()
    {
        string path = clips.Path("color.mkv");
        CliResult lenient = CliRunner.Run("probe", path, "--decode", "--max-frames", "40", "--crop", "96x96");
        Assert.Equal(0, lenient.ExitCode);
        Assert.Contains($"centrifuge: warning: {path}: frame 64x48 is smaller than the crop 96x96: upscaled to 128x96", lenient.Error);
        Assert.Contains($"centrifuge: warning: {path}: only 10 of 40 requested frames available", lenient.Error);

        CliResult tooShort = CliRunner.Run("probe", path, "--decode", "--max-frames", "40", "--strict");
        Assert.Equal(ExitCodes.TooShort, tooShort.ExitCode);
        Assert.Equal($"centrifuge: error: {path}: only 10 frames available, 40 requested", tooShort.Error.Trim());

        CliResult tooSmall = CliRunner.Run("probe", path, "--decode", "--crop", "96x96", "--strict");
        Assert.Equal(ExitCodes.FrameTooSmall, tooSmall.ExitCode);
        Assert.Equal($"centrifuge: error: {path}: frame 64x48 is smaller than the crop 96x96", tooSmall.Error.Trim());
    }

    [Fact]
    public void Json_has_one_record_per_file_with_exact_keys_and_a_bad_file_does_not_stop_the_others()
    {
        CliResult result = CliRunner.Run("probe", clips.Path("testsrc.mp4"), clips.Path("empty.mp4"), clips.Path("rotated.mp4"), "--json");
        Assert.Equal(ExitCodes.PartialFailure, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement[] records = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(3, records.Length);
        foreach (JsonElement r in records)
            Assert.Equal(["path", "width", "height", "fps", "frames", "frames_lost", "duration_s", "codec", "rotation", "damage", "error"],
                r.EnumerateObject().Select(p => p.Name));
        Assert.Equal((160, 120, 50, 25.0, "h264"), (records[0].GetProperty("width").GetInt32(), records[0].GetProperty("height").GetInt32(),
            records[0].GetProperty("frames").GetInt32(), records[0].GetProperty("fps").GetDouble(), records[0].GetProperty("codec").GetString()));
        Assert.Equal(JsonValueKind.Null, records[0].GetProperty("error").ValueKind);
        Assert.Equal(2.0, records[0].GetProperty("duration_s").GetDouble(), 2);
        Assert.Contains("file is empty", records[1].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, records[1].GetProperty("width").ValueKind);
        Assert.Equal((120, 160), (records[2].GetProperty("width").GetInt32(), records[2].GetProperty("height").GetInt32()));
        Assert.Equal(VideoProbe.Probe(clips.Path("rotated.mp4")).Rotation, records[2].GetProperty("rotation").GetInt32());
        Assert.Contains("empty.mp4: file is empty", result.Error);
    }

    [Fact]
    public void Text_output_is_one_line_per_file()
    {
        CliResult result = CliRunner.Run("probe", clips.Path("testsrc.mkv"));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{clips.Path("testsrc.mkv")}: 160x120, 25 fps, 50 frames, 2 s, ffv1", result.Output.Trim());
    }

    /// <summary>Issue 19, item 9: probe says which way it turns; ffprobe's display matrix counts the other way round.</summary>
    [Fact]
    public void Rotation_is_reported_clockwise_and_ffprobes_counter_clockwise_angle_is_its_complement()
    {
        string path = clips.Path("rotated.mp4");
        var (_, json, _) = FfmpegProcess.Run(FfmpegInstallation.Default.FfprobePath,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream_side_data=rotation", "-of", "csv=p=0", path]);
        int ffprobe = (int)double.Parse(json.Trim().Split('\n')[0].Trim(','), System.Globalization.CultureInfo.InvariantCulture);
        int clockwise = VideoProbe.Probe(path).Rotation;
        Assert.Equal(((360 - ffprobe) % 360 + 360) % 360, clockwise);
        CliResult result = CliRunner.Run("probe", path);
        Assert.Contains($", rotated {clockwise}° clockwise", result.Output);
    }
}

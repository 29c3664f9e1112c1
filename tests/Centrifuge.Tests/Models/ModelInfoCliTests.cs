using System.Text.Json;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Models;

public class ModelInfoCliTests
{
    [Fact]
    public void Model_info_json_reports_params_endpoints_and_macs()
    {
        CliResult result = CliRunner.Run("model-info", "--preset", "tiny", "--endpoint", "Mixed_4f", "--layers", "3",
            "--clip", "8,32,32", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement root = doc.RootElement;
        long encoder = root.GetProperty("encoder_params").GetInt64();
        long decoder = root.GetProperty("decoder_params").GetInt64();
        Assert.True(encoder > 0 && decoder > 0);
        Assert.Equal(encoder + decoder, root.GetProperty("total_params").GetInt64());
        Assert.True(root.GetProperty("gmacs_per_clip").GetDouble() > 0);
        Assert.Equal("[8,32,32]", root.GetProperty("clip").GetRawText().Replace(" ", "").Replace("\n", ""));
        JsonElement endpoints = root.GetProperty("endpoints");
        Assert.Equal(13, endpoints.EnumerateObject().Count());
        Assert.Equal(new long[] { 4, 16, 16 }, endpoints.GetProperty("Conv3d_1a_7x7").EnumerateArray().Skip(1).Select(e => e.GetInt64()));
        Assert.Equal(new long[] { 2, 2, 2 }, endpoints.GetProperty("Mixed_4f").EnumerateArray().Skip(1).Select(e => e.GetInt64()));
    }

    [Fact]
    public void Model_info_table_and_bad_preset()
    {
        CliResult ok = CliRunner.Run("model-info", "--preset", "tiny", "--clip", "4,16,16");
        Assert.True(ok.ExitCode == 0, ok.Error);
        Assert.Contains("Mixed_3c", ok.Output);
        Assert.Contains("GMAC per clip", ok.Output);
        CliResult bad = CliRunner.Run("model-info", "--preset", "huge");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("tiny, cpu-small, cpu-small-2d, paper", bad.Error);
    }
}

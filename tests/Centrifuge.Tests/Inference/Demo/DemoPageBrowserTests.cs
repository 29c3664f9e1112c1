using System.Text.RegularExpressions;
using Centrifuge.Tests.Support;

namespace Centrifuge.Tests.Inference.Demo;

/// <summary>The demo page in a real browser: headless Chromium loads every video (H.264 MP4) and renders the page.</summary>
[Collection("Demo")]
public class DemoPageBrowserTests(DemoFixture demo)
{
    [SkippableFact]
    public void Every_video_on_the_page_loads_a_frame_in_chromium_and_the_page_renders()
    {
        HeadlessChromium.Require();
        string root = demo.RequireOutput();
        string page = Path.Combine(root, "index.html");
        int videos = Regex.Matches(File.ReadAllText(page), "<video ").Count;
        Assert.Equal(9, videos);

        string dom = HeadlessChromium.DumpDom(new Uri(page).AbsoluteUri + "?check");
        Match ok = Regex.Match(dom, "data-videos-ok=\"(\\d+)/(\\d+)\"");
        Assert.True(ok.Success, "the page's check script did not run: " + dom[..Math.Min(400, dom.Length)]);
        string detail = Regex.Match(dom, "data-videos-detail=\"([^\"]*)\"").Groups[1].Value;
        Assert.True(ok.Groups[1].Value == ok.Groups[2].Value && ok.Groups[2].Value == videos.ToString(),
            $"videos with a decoded frame: {ok.Groups[1].Value}/{ok.Groups[2].Value} ({detail})");
        foreach (string entry in detail.Split(' '))   // src:readyState:WxH
        {
            string[] parts = entry.Split(':');
            Assert.True(int.Parse(parts[1]) >= 2 && !parts[2].StartsWith("0x", StringComparison.Ordinal), entry);
        }

        using var dir = new TempDir();
        string png = dir.File("demo.png");
        HeadlessChromium.Screenshot(new Uri(page).AbsoluteUri, png);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal((1280, 2000), (ReadBigEndian(bytes, 16), ReadBigEndian(bytes, 20)));
    }

    private static int ReadBigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}

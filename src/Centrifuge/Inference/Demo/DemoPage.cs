using System.Globalization;
using System.Net;
using System.Text;
using Centrifuge.Inference.Output;

namespace Centrifuge.Inference.Demo;

/// <summary>
/// demo-output/index.html: one self-contained page (no server, no external assets) showing, per case, the inputs, the
/// layers and the preview as &lt;video&gt; tags with relative paths, the contact sheet and the metrics. Opened as
/// index.html?check, a small script records on &lt;body data-videos-ok="N/M"&gt; how many videos have loaded a frame
/// (what the headless-browser test reads).
/// </summary>
public static class DemoPage
{
    /// <summary>Marks a page written by the demo (so --force replaces only a previous demo).</summary>
    public const string Generator = "<meta name=\"generator\" content=\"centrifuge demo\">";

    public static bool IsDemoPage(string path)
    {
        if (!File.Exists(path)) return false;
        using var reader = new StreamReader(path);
        char[] head = new char[2048];
        int read = reader.ReadBlock(head, 0, head.Length);
        return new string(head, 0, read).Contains(Generator, StringComparison.Ordinal);
    }

    /// <param name="root">the folder index.html lives in; every path in the cases is written relative to it</param>
    /// <param name="model">the checkpoint's name, for the header</param>
    public static string Render(string root, string model, params DemoCase[] cases)
    {
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            {{Generator}}
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Centrifuge demo</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1240px; padding: 16px 20px; color: #222; background: #fafafa; }
            h1 { margin: 0 0 4px; } h2 { margin: 28px 0 4px; border-bottom: 1px solid #ccc; padding-bottom: 4px; }
            p.note { color: #555; margin: 4px 0 12px; }
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; }
            figure { margin: 0; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 6px; }
            figure.wide { grid-column: 1 / -1; }
            figure video, figure img { width: 100%; display: block; background: #000; border-radius: 3px; }
            figcaption { font-size: 13px; color: #444; margin-top: 4px; }
            figcaption code { font-size: 12px; }
            .row { display: flex; gap: 16px; align-items: flex-start; margin-top: 12px; flex-wrap: wrap; }
            figure.contact { flex: 0 1 560px; }
            .pair { border-color: #2a7; box-shadow: 0 0 0 1px #2a7; }
            table { border-collapse: collapse; margin: 12px 0; background: #fff; }
            td, th { border: 1px solid #ddd; padding: 4px 10px; text-align: left; font-size: 14px; }
            th { background: #f0f0f0; font-weight: 600; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            </style>
            </head>
            <body>
            <h1>Centrifuge demo</h1>
            <p class="note">Model <code>{{Encode(model)}}</code>. Each video is a separate file next to this page; the layers are
            what the model wrote, the preview shows the input and every layer side by side. All videos are muted and loop.</p>

            """);
        foreach (DemoCase demoCase in cases) AppendCase(html, root, demoCase);
        html.Append("""
            <script>
            // index.html?check: record on <body> how many videos have a decoded frame (for the headless-browser test).
            if (location.search.indexOf('check') >= 0) {
              const videos = Array.from(document.querySelectorAll('video'));
              const report = () => {
                const ok = videos.filter(v => v.readyState >= 2 && v.videoWidth > 0).length;
                document.body.dataset.videosOk = ok + '/' + videos.length;
                document.body.dataset.videosDetail = videos.map(v =>
                  v.getAttribute('src') + ':' + v.readyState + ':' + v.videoWidth + 'x' + v.videoHeight + (v.error ? ':error' + v.error.code : '')).join(' ');
              };
              videos.forEach(v => { v.addEventListener('loadeddata', report); v.addEventListener('error', report); });
              report();
            }
            </script>
            </body>
            </html>

            """);
        return html.ToString();
    }

    private static void AppendCase(StringBuilder html, string root, DemoCase demoCase)
    {
        SeparationSummary s = demoCase.Result.Summary;
        string folder = demoCase.Result.OutputFolder;
        html.Append($"<h2>{Encode(demoCase.Title)}</h2>\n<p class=\"note\">{Encode(demoCase.Description)}</p>\n<div class=\"grid\">\n");
        foreach (string input in demoCase.Inputs)
            Video(html, root, input, $"input: {Path.GetFileName(input)}", null);
        Video(html, root, Path.Combine(folder, "preview.mp4"), "preview: input | layer 1 | ... | layer n", "wide");
        for (int k = 1; k <= s.Layers; k++)
        {
            bool inPair = s.Pair.Contains(k);
            Video(html, root, Path.Combine(folder, $"layer-{k}.mp4"),
                $"layer {k}" + (inPair ? " (of the most dissimilar pair, pair-a/b.mp4)" : ""), inPair ? "pair" : null);
        }
        html.Append($"""
            </div>
            <div class="row"><figure class="contact"><img src="{Url(root, Path.Combine(folder, "contact.png"))}" alt="contact sheet">
            <figcaption>contact sheet: rows are frames; columns the input and each layer</figcaption></figure>

            """);
        html.Append("<div><table>\n");
        if (s.Metrics is { } m)
        {
            Row(html, "PIT loss (L1 + gradient, lower is better)", F(m.Loss, "0.0000"));
            Row(html, "PSNR of the layers vs the originals", F(m.Psnr, "0.00") + " dB");
            Row(html, "PSNR of the identity baseline (the blend as both layers)", F(m.Psnr - m.Psnri, "0.00") + " dB");
            Row(html, "PSNRi (gain over the identity baseline)", F(m.Psnri, "+0.00;-0.00") + " dB");
            Row(html, "SSIM", F(m.Ssim, "0.000"));
            Row(html, "alpha", F(m.Alpha, "0.##"));
        }
        Row(html, "frames", s.Frames.ToString(CultureInfo.InvariantCulture));
        Row(html, "size", $"{s.Width} x {s.Height}");
        Row(html, "fps", F(s.Fps, "0.##"));
        Row(html, "video length", F(s.Frames / Math.Max(1e-9, s.Fps), "0.0") + " s");
        Row(html, "layers (n)", s.Layers.ToString(CultureInfo.InvariantCulture));
        Row(html, "separation wall time", F(s.Seconds, "0.0") + $" s ({F(s.FramesPerSecond, "0.0")} frames/s)");
        html.Append($"</table>\n<p class=\"note\">All numbers: <a href=\"{Url(root, folder)}/summary.json\">summary.json</a></p></div></div>\n");
    }

    private static void Video(StringBuilder html, string root, string path, string caption, string? cssClass) =>
        html.Append($"""
            <figure{(cssClass is null ? "" : $" class=\"{cssClass}\"")}><video controls muted loop playsinline autoplay preload="auto" src="{Url(root, path)}"></video>
            <figcaption>{Encode(caption)} &middot; <code>{Encode(Path.GetRelativePath(root, path))}</code></figcaption></figure>

            """);

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append($"<tr><th>{Encode(name)}</th><td class=\"num\">{Encode(value)}</td></tr>\n");

    /// <summary>A path relative to root, each segment URL-escaped, '/'-separated.</summary>
    public static string Url(string root, string path) =>
        string.Join('/', Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}

using Centrifuge.Models;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using TorchSharp;

namespace Centrifuge.Tests.Inference.Demo;

/// <summary>
/// One `centrifuge demo` run shared by the demo tests: a tiny untrained checkpoint, the real sample videos
/// (scripts/fetch-samples.sh or CENTRIFUGE_SAMPLES), processing side 32 and 1-second excerpts.
/// </summary>
public sealed class DemoFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public const double Seconds = 1;
    public string TinyModel { get; }
    public string OutputFolder { get; }
    /// <summary>Null when the demo ran; else why the tests that need its output skip.</summary>
    public string? SkipReason { get; }
    public CliResult? Result { get; }

    public DemoFixture()
    {
        TorchRuntime.EnsureLoaded();
        TinyModel = _dir.File("tiny.ckpt");
        torch.manual_seed(1);
        using (CentrifugeModel model = CentrifugeModel.Create(ModelPresets.Get("tiny")))
            ModelCheckpoint.Save(model, TinyModel);
        OutputFolder = _dir.File("demo-output");
        if (!System.IO.File.Exists(Path.Combine(Repo.SamplesDir, "manifest.json")))
        {
            SkipReason = "sample videos not fetched: run scripts/fetch-samples.sh";
            return;
        }
        Result = Run(OutputFolder);
    }

    public CliResult Run(string outputFolder, params string[] extra) => RunModel(TinyModel, outputFolder, extra);

    /// <summary>The demo as <see cref="Run"/> runs it, with another model checkpoint.</summary>
    public CliResult RunModel(string model, string outputFolder, params string[] extra) =>
        CliRunner.Run(["demo", "--out", outputFolder, "--model", model, "--size", "32",
            "--seconds", Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra]);

    /// <summary>The demo's output folder, or a visible skip when the samples are missing.</summary>
    public string RequireOutput()
    {
        Skip.If(SkipReason is not null, SkipReason);
        Assert.True(Result!.ExitCode == 0, Result.Error + Result.Output);
        return OutputFolder;
    }

    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}

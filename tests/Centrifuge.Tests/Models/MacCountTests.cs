using Centrifuge.Models;
using Centrifuge.Runtime;

namespace Centrifuge.Tests.Models;

/// <summary>
/// The multiply-adds `model-info`, the benchmarks and the reports print (<see cref="ModelSummary.GmacsPerClip"/>),
/// pinned exactly as counted on 2026-12-04 (before counting moved out of the modules' forward passes): every
/// encoder, endpoint and up-sampling kind, correctors, and clips that are not multiples of the strides.
/// </summary>
public class MacCountTests
{
    public MacCountTests() => TorchRuntime.EnsureLoaded();

    public static TheoryData<string, ModelConfig, int[], double> Models => new()
    {
        { "cpu-small", ModelPresets.Get("cpu-small"), [16, 64, 64], 1.086424704 },
        { "cpu-small-2d", ModelPresets.Get("cpu-small-2d"), [16, 64, 64], 0.990203904 },
        { "paper", ModelPresets.Get("paper"), [8, 32, 32], 1.144399872 },
        { "tiny", ModelPresets.Get("tiny"), [5, 20, 22], 0.004052376 },
        { "tiny transposed-k2", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.TransposedK2 }, [5, 20, 22], 0.004052376 },
        { "tiny transposed-k4", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.TransposedK4 }, [5, 20, 22], 0.00465804 },
        { "tiny transposed-k3", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.TransposedK3 }, [5, 20, 22], 0.004297968 },
        { "tiny nearest", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.NearestConv }, [5, 20, 22], 0.006006744 },
        { "tiny trilinear", ModelPresets.Get("tiny") with { Upsampling = DecoderUpsampling.TrilinearConv }, [5, 20, 22], 0.006006744 },
        { "tiny 2 correctors seeing the input", ModelPresets.Get("tiny") with { CorrectionSteps = 2, CorrectorSeesInput = true }, [5, 20, 22], 0.019435464 },
        { "tiny frame2d mixed_4f 1 corrector", ModelPresets.Get("tiny") with { Encoder = EncoderKind.Frame2d, Endpoint = I3dEndpoint.Mixed_4f, CorrectionSteps = 1 }, [9, 36, 40], 0.0511704 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void The_reported_multiply_adds_are_unchanged(string name, ModelConfig config, int[] clip, double gmacs)
    {
        ModelSummary summary = ModelSummary.Compute(config, new ClipSize(clip[0], clip[1], clip[2]));
        Assert.True(gmacs == summary.GmacsPerClip, $"{name}: {summary.GmacsPerClip:R} GMAC, pinned {gmacs:R}");
    }
}

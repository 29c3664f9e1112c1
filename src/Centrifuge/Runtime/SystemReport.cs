using System.Runtime.InteropServices;
using Centrifuge.Video;
using TorchSharp;

namespace Centrifuge.Runtime;

/// <summary>One line of the doctor's report: a named check, what was found, and whether it is fine.</summary>
public sealed record SystemCheck(string Name, string Found, bool Ok, string? Fix = null);

/// <summary>
/// What `centrifuge doctor` reports: .NET, TorchSharp and libtorch versions, libtorch's threads, CUDA, ffmpeg and
/// the codecs Centrifuge needs. Each check runs even when an earlier one failed.
/// </summary>
public static class SystemReport
{
    public static IReadOnlyList<SystemCheck> Run()
    {
        var checks = new List<SystemCheck>
        {
            new(".NET", RuntimeInformation.FrameworkDescription + " on " + RuntimeInformation.RuntimeIdentifier, true),
        };
        checks.AddRange(TorchChecks());
        checks.AddRange(FfmpegChecks());
        return checks;
    }

    private static IEnumerable<SystemCheck> TorchChecks()
    {
        try
        {
            TorchRuntime.EnsureLoaded();
        }
        catch (CentrifugeException e)
        {
            return [new SystemCheck("libtorch", e.Message, false, "rebuild with ./centrifuge, or install libstdc++ 13+")];
        }

        // A real forward and backward through a Conv3d proves the native library works, not only that it loads.
        string conv;
        bool convOk;
        try
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.randn(new long[] { 1, 3, 4, 8, 8 }, requires_grad: true);
            using var layer = torch.nn.Conv3d(3, 4, 3, padding: 1);
            var y = layer.call(x).square().mean();
            y.backward();
            convOk = x.grad is not null && !float.IsNaN(y.item<float>());
            conv = convOk ? "Conv3d forward+backward ran" : "Conv3d backward produced no gradient";
        }
        catch (Exception e)
        {
            convOk = false;
            conv = "Conv3d failed: " + e.Message.Split('\n')[0];
        }

        return
        [
            new SystemCheck("TorchSharp", TorchRuntime.TorchSharpVersion, true),
            new SystemCheck("libtorch", TorchRuntime.LibTorchVersion + ", " + conv, convOk),
            new SystemCheck("libtorch threads", $"{torch.get_num_threads()} of {Environment.ProcessorCount} cores" +
                $" (default {TorchRuntime.DefaultThreads}; OMP_WAIT_POLICY {TorchRuntime.OpenMpWaitPolicy ?? "unset"})", true),
            new SystemCheck("malloc", TorchRuntime.Allocator, true),
            new SystemCheck("CUDA", torch.cuda.is_available() ? $"available, {torch.cuda.device_count()} device(s)" : "not available (CPU only)", true),
        ];
    }

    private static IEnumerable<SystemCheck> FfmpegChecks()
    {
        FfmpegInstallation ffmpeg;
        try
        {
            ffmpeg = FfmpegInstallation.Locate();
        }
        catch (CentrifugeException e)
        {
            return [new SystemCheck("ffmpeg", e.Message, false, "apt-get install ffmpeg")];
        }

        var encoders = ffmpeg.Encoders();
        var decoders = ffmpeg.Decoders();
        string[] missingEncoders = FfmpegInstallation.RequiredEncoders.Where(c => !encoders.Contains(c)).ToArray();
        string[] missingDecoders = FfmpegInstallation.RequiredDecoders.Where(c => !decoders.Contains(c)).ToArray();
        return
        [
            new SystemCheck("ffmpeg", ffmpeg.FfmpegVersion() + " (" + ffmpeg.FfmpegPath + ")", true),
            new SystemCheck("ffprobe", ffmpeg.FfprobeVersion() + " (" + ffmpeg.FfprobePath + ")", true),
            new SystemCheck("encoders", missingEncoders.Length == 0
                    ? string.Join(", ", FfmpegInstallation.RequiredEncoders)
                    : "missing " + string.Join(", ", missingEncoders),
                missingEncoders.Length == 0, "install an ffmpeg built with libx264 (Debian's ffmpeg package is)"),
            new SystemCheck("decoders", missingDecoders.Length == 0
                    ? string.Join(", ", FfmpegInstallation.RequiredDecoders)
                    : "missing " + string.Join(", ", missingDecoders),
                missingDecoders.Length == 0, "install Debian's ffmpeg package"),
        ];
    }
}

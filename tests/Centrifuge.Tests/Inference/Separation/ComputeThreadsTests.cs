using Centrifuge.Inference.Separation;
using Centrifuge.Runtime;
using Centrifuge.Tests.Support;
using TorchSharp;

namespace Centrifuge.Tests.Inference.Separation;

/// <summary>
/// Issue 29: --threads reaches the engine that runs the model, libtorch or OnnxRuntime, by one route
/// (<see cref="ComputeOptions"/>, applied by <see cref="SeparationRuntimes.Load"/>), read back from the engine. libtorch's
/// count after the command: SeparateCommandTests.Threads_option_sets_libtorchs_thread_count_and_its_absence_the_default,
/// EvaluateCliTests.Evaluate_runs_libtorch_with_the_threads_it_was_given.
/// </summary>
public class ComputeThreadsTests(SeparationFixture clips) : IClassFixture<SeparationFixture>
{
    // A count other than the one libtorch runs with now, so a test cannot pass by leaving it alone.
    private static int Another() => torch.get_num_threads() == 1 ? 2 : 1;

    [Fact]
    public void The_onnx_session_is_built_with_the_threads_it_was_given_and_libtorch_gets_the_same()
    {
        int before = torch.get_num_threads();
        try
        {
            using var dir = new TempDir();
            string onnx = dir.File("tiny.onnx");
            Assert.Equal(0, CliRunner.Run("export", "--model", clips.TinyModel, "--onnx", onnx).ExitCode);

            int threads = Another();
            var (_, owner) = SeparationRuntimes.Load(onnx, SeparationRuntime.Onnx, new ComputeOptions { Threads = threads });
            using (owner)
                Assert.Equal(threads, Assert.IsType<OnnxSeparationModel>(owner).IntraOpThreads);
            Assert.Equal(threads, torch.get_num_threads());

            var (_, defaulted) = SeparationRuntimes.Load(onnx, SeparationRuntime.Onnx, new ComputeOptions());
            using (defaulted)
                Assert.Equal(TorchRuntime.DefaultThreads, Assert.IsType<OnnxSeparationModel>(defaulted).IntraOpThreads);
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }
}

using Centrifuge.Runtime;
using TorchSharp;

namespace Centrifuge.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void Conv3d_forward_and_backward_run_in_the_test_process()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var x = torch.randn(new long[] { 2, 3, 4, 8, 8 }, requires_grad: true);
        using var conv = torch.nn.Conv3d(3, 5, 3, padding: 1);
        var y = conv.call(x);
        Assert.Equal(new long[] { 2, 5, 4, 8, 8 }, y.shape);
        y.square().mean().backward();
        Assert.NotNull(x.grad);
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
        Assert.All(conv.parameters(), p => Assert.NotNull(p.grad));
    }

    [Fact]
    public void Cpu_device_resolves_and_unknown_device_is_a_usage_error()
    {
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice("cpu").type);
        var e = Assert.Throws<CentrifugeException>(() => TorchRuntime.ResolveDevice("tpu"));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("tpu", e.Message);
    }

    [Fact]
    public void OpenMp_waits_passively_unless_the_user_chose_a_policy_and_threads_default_to_one_per_core()
    {
        TorchRuntime.EnsureLoaded();
        string? chosen = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");   // .NET's copy: what the process started with
        Assert.Equal(chosen ?? "PASSIVE", TorchRuntime.OpenMpWaitPolicy);
        int before = torch.get_num_threads();
        try
        {
            TorchRuntime.SetThreads(0);
            Assert.Equal(Environment.ProcessorCount, torch.get_num_threads());
            TorchRuntime.SetThreads(1);
            Assert.Equal(1, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    [SkippableFact]
    public void Cuda_request_without_a_gpu_fails_with_one_clear_line()
    {
        TorchRuntime.EnsureLoaded();
        Skip.If(torch.cuda.is_available(), "this machine has CUDA");
        var e = Assert.Throws<CentrifugeException>(() => TorchRuntime.ResolveDevice("cuda"));
        Assert.Equal(ExitCodes.Environment, e.ExitCode);
        Assert.DoesNotContain('\n', e.Message);
    }
}

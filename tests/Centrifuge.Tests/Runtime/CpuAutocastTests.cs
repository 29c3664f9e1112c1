using Centrifuge.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Runtime;

public class CpuAutocastTests
{
    public CpuAutocastTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Convolutions_run_in_bf16_inside_the_scope_and_fp32_outside()
    {
        Assert.True(CpuAutocast.IsAvailable, "libtorch 2.x exports at::autocast on Linux");
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        using var conv = nn.Conv3d(3, 4, 3, padding: 1);
        var x = torch.randn(new long[] { 1, 3, 4, 6, 6 });
        Tensor inside;
        using (CpuAutocast.Bf16())
        {
            Assert.True(CpuAutocast.IsEnabled);
            inside = conv.forward(x);
        }
        Assert.False(CpuAutocast.IsEnabled);
        Tensor outside = conv.forward(x);
        Assert.Equal(ScalarType.BFloat16, inside.dtype);
        Assert.Equal(ScalarType.Float32, outside.dtype);
        // bf16 keeps 8 bits of mantissa: close to fp32, not equal to it.
        double error = (inside.to(ScalarType.Float32) - outside).abs().max().item<float>();
        Assert.InRange(error, 1e-6, 0.05);
    }

    [Fact]
    public void Gradients_reach_the_fp32_weights_and_an_updated_weight_is_not_served_from_a_stale_cast()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var conv = nn.Conv3d(2, 2, 1, bias: false);
        var x = torch.randn(new long[] { 1, 2, 2, 3, 3 });
        Tensor First()
        {
            using (CpuAutocast.Bf16()) return conv.forward(x).to(ScalarType.Float32);
        }
        Tensor before = First();
        before.sum().backward();
        Parameter weight = conv.parameters().First();
        Assert.Equal(ScalarType.Float32, weight.dtype);
        Assert.NotNull(weight.grad);
        Assert.Equal(ScalarType.Float32, weight.grad!.dtype);
        Assert.True(weight.grad.abs().sum().item<float>() > 0);

        using (torch.no_grad()) weight.mul_(-1);
        Tensor after = First();
        // The weight cast is cached only within a scope: negating the weight negates the output.
        Assert.True((after + before).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Nested_scopes_restore_the_outer_state()
    {
        using (CpuAutocast.Bf16())
        {
            using (CpuAutocast.Bf16()) Assert.True(CpuAutocast.IsEnabled);
            Assert.True(CpuAutocast.IsEnabled);
        }
        Assert.False(CpuAutocast.IsEnabled);
    }
}

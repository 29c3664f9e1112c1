using Centrifuge.Models;
using Centrifuge.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Runtime;

public class KernelCheckTests
{
    [Fact]
    public void The_float64_reference_agrees_with_plain_loops_forward_and_backward()
    {
        // The check trusts libtorch's float64 convolution; here it is checked against the definition, sums in loops.
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(7);
        Tensor x = torch.randn([1, 2, 3, 4, 4], ScalarType.Float64, generator: generator).requires_grad_(true);
        Tensor w = torch.randn([3, 2, 3, 3, 3], ScalarType.Float64, generator: generator);
        Tensor g = torch.randn([1, 3, 3, 4, 4], ScalarType.Float64, generator: generator);
        Tensor y = nn.functional.conv3d(x, w, null, padding: [1, 1, 1]);
        y.backward([g]);

        double[] xs = x.detach().data<double>().ToArray(), ws = w.data<double>().ToArray(), gs = g.data<double>().ToArray();
        double[] ys = y.detach().data<double>().ToArray(), grads = x.grad!.data<double>().ToArray();
        var expectedY = new double[ys.Length];
        var expectedGrad = new double[xs.Length];
        int X(int c, int t, int h, int wi) => ((c * 3 + t) * 4 + h) * 4 + wi;
        int Y(int o, int t, int h, int wi) => ((o * 3 + t) * 4 + h) * 4 + wi;
        int W(int o, int c, int a, int b, int d) => (((o * 2 + c) * 3 + a) * 3 + b) * 3 + d;
        for (int o = 0; o < 3; o++)
        for (int t = 0; t < 3; t++)
        for (int h = 0; h < 4; h++)
        for (int wi = 0; wi < 4; wi++)
        for (int c = 0; c < 2; c++)
        for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
        for (int d = 0; d < 3; d++)
        {
            int ti = t + a - 1, hi = h + b - 1, wj = wi + d - 1;
            if (ti < 0 || ti >= 3 || hi < 0 || hi >= 4 || wj < 0 || wj >= 4) continue;
            expectedY[Y(o, t, h, wi)] += xs[X(c, ti, hi, wj)] * ws[W(o, c, a, b, d)];
            expectedGrad[X(c, ti, hi, wj)] += gs[Y(o, t, h, wi)] * ws[W(o, c, a, b, d)];
        }
        for (int i = 0; i < ys.Length; i++) Assert.Equal(expectedY[i], ys[i], 1e-12);
        for (int i = 0; i < xs.Length; i++) Assert.Equal(expectedGrad[i], grads[i], 1e-12);
    }

    [Fact]
    public void Every_kernel_is_right_under_the_setting_the_guard_chose_for_this_cpu()
    {
        // The test process loaded libtorch under the guard's verdict (TestAssembly): the check must pass here, fp32 and,
        // unless the verdict refused it, bf16.
        KernelCheckResult result = KernelCheck.Run();
        Assert.True(result.Fp32Ok, "fp32 kernels wrong: " + string.Join("; ", result.Failures.Take(5)));
        if (KernelGuard.Current is not { Bf16Ok: false })
            Assert.True(result.Bf16Ok, "bf16 kernels wrong: " + string.Join("; ", result.Failures.Take(5)));
        Assert.Equal(KernelCases.All.Count * 2 - KernelCases.All.Count(c => !c.Bf16),
            result.Errors.Select(e => (e.Case, e.Precision)).Distinct().Count());
    }

    [Fact]
    public void An_injected_wrong_gradient_in_small_convolutions_is_caught_and_named()
    {
        KernelFault fault = KernelFault.Parse("conv3d:backward:fp32:8");
        KernelCase[] cases = [.. KernelCases.All.Where(c => c.Op is "conv3d" or "batch_norm").Take(12)];
        KernelCheckResult result = KernelCheck.Run(cases, fault);

        Assert.False(result.Fp32Ok);
        Assert.True(result.Fp32ForwardOk);
        Assert.True(result.Bf16Ok);
        string[] wrongCases = [.. result.Failures.Select(f => f.Case).Distinct()];
        string[] expected = [.. cases.Where(c => c.Op == "conv3d" && c.SmallestChannels <= 8).Select(c => c.Name)];
        Assert.NotEmpty(expected);
        Assert.Equal(expected, wrongCases);
        Assert.All(result.Failures, f => Assert.Equal("gradient of input 0", f.Part[..19]));
    }

    [Fact]
    public void An_injected_wrong_bf16_forward_fails_bf16_only_and_a_fault_under_another_setting_is_inactive()
    {
        KernelCase[] cases = [.. KernelCases.All.Where(c => c.Op == "conv3d").Take(4)];
        KernelCheckResult bf16 = KernelCheck.Run(cases, KernelFault.Parse("*:forward:bf16"));
        Assert.True(bf16.Fp32Ok);
        Assert.False(bf16.Bf16Ok);
        Assert.Contains(bf16.Failures, f => f.Part == KernelCheck.Forward && f.Precision == KernelCheck.Bf16);

        KernelCheckResult elsewhere = KernelCheck.Run(cases, KernelFault.Parse("*:forward:*:64:onednn-avx2") with { ActiveSetting = "onednn-sse41" });
        Assert.Empty(elsewhere.Failures);
    }

    [Fact]
    public void A_malformed_fault_is_a_usage_error_naming_the_variable()
    {
        var e = Assert.Throws<CentrifugeException>(() => KernelFault.Parse("conv3d:sideways:fp32"));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains(KernelFault.EnvironmentVariable, e.Message);
    }

    [Fact]
    public void The_cases_cover_every_convolution_kernel_shape_of_every_preset()
    {
        // A preset that gains a new kind of convolution must gain a case too: kernels are chosen per shape.
        var covered = KernelCases.All.Where(c => c.Op.StartsWith("conv", StringComparison.Ordinal))
            .Select(c => c.Op.Replace("conv_transpose3d", "transposed") + " " + string.Join("x", c.Inputs[1].Skip(2))).ToHashSet();
        var needed = new SortedSet<string>();
        foreach (string preset in ModelPresets.Names)
        {
            using CentrifugeModel model = CentrifugeModel.Create(ModelPresets.Get(preset));
            foreach ((string _, nn.Module module) in model.named_modules())
            {
                string? kind = module switch { Conv3d => "conv3d", ConvTranspose3d => "transposed", Conv2d => "conv2d", _ => null };
                if (kind is null) continue;
                Tensor weight = module.parameters().First();
                needed.Add(kind + " " + string.Join("x", weight.shape.Skip(2)));
            }
        }
        Assert.NotEmpty(needed);
        string[] missing = [.. needed.Where(n => !covered.Contains(n))];
        Assert.True(missing.Length == 0, "no kernel case for: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_smallest_channel_counts_of_the_presets_are_checked()
    {
        long[] smallest = [.. KernelCases.All.Where(c => c.Op == "conv3d").Select(c => c.SmallestChannels).Distinct()];
        foreach (long channels in new long[] { 3, 4, 6, 8 }) Assert.Contains(channels, smallest);
    }
}

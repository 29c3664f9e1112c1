using Centrifuge.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

public class CentrifugeModelTests
{
    private static readonly ModelConfig Tiny = ModelPresets.Get("tiny");

    // A Mixed_5c model (total stride 8 x 32) narrow enough for tests.
    private static readonly ModelConfig NarrowDeep = new()
    {
        Endpoint = I3dEndpoint.Mixed_5c, Width = 0.0625, Layers = 3, DecoderChannels = [32, 32, 32, 32, 32],
    };

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 17, 23)]
    [InlineData(9, 33, 31)]
    [InlineData(8, 32, 32)]
    public void Output_shape_equals_input_shape_for_odd_sizes(int t, int h, int w)
    {
        foreach (ModelConfig config in new[] { Tiny, NarrowDeep, Tiny with { CorrectionSteps = 1, CorrectorSeesInput = true } })
        {
            torch.manual_seed(0);
            using var model = CentrifugeModel.Create(config);
            model.eval();
            using var noGrad = torch.no_grad();
            using var x = torch.rand(new long[] { 2, 3, t, h, w }) * 2 - 1;
            using var y = model.forward(x);
            Assert.Equal(new long[] { 2, config.Layers, 3, t, h, w }, y.shape);
            Assert.True(y.isfinite().all().item<bool>());
        }
    }

    [Theory]
    [InlineData(DecoderUpsampling.TransposedK2)]
    [InlineData(DecoderUpsampling.TransposedK4)]
    [InlineData(DecoderUpsampling.TransposedK3)]
    [InlineData(DecoderUpsampling.SubPixel)]
    [InlineData(DecoderUpsampling.NearestConv)]
    [InlineData(DecoderUpsampling.TrilinearConv)]
    public void Every_upsampling_option_restores_the_input_shape(DecoderUpsampling kind)
    {
        using var model = CentrifugeModel.Create(NarrowDeep with { Upsampling = kind });
        model.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.zeros(new long[] { 1, 3, 9, 33, 31 });
        using var y = model.forward(x);
        Assert.Equal(new long[] { 1, 3, 3, 9, 33, 31 }, y.shape);
    }

    [Fact]
    public void Sub_pixel_upsampling_equals_a_kernel_2_stride_2_transposed_convolution()
    {
        // Same function class: copy the transposed conv's weights into the 1x1x1 conv and compare outputs.
        torch.manual_seed(5);
        using var x = torch.randn(new long[] { 1, 4, 2, 3, 3 });
        using var weight = torch.randn(new long[] { 4, 5, 2, 2, 2 });   // [Cin, Cout, kt, kh, kw]
        using var expected = nn.functional.conv_transpose3d(x, weight, strides: [2, 2, 2]);
        using var sub = new UpConvolution(4, 5, 2, 2, DecoderUpsampling.SubPixel, 0.1);
        using (torch.no_grad())
            sub.state_dict()["up.weight"].copy_(weight.permute(1, 2, 3, 4, 0).reshape(40, 4, 1, 1, 1));
        sub.eval();
        using var actual = sub.forward(x);
        using var reference = nn.functional.relu(expected / Math.Sqrt(1 + 1e-3));
        Assert.True(torch.allclose(actual, reference, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Gradients_reach_every_parameter()
    {
        torch.manual_seed(1);
        using var model = CentrifugeModel.Create(Tiny with { CorrectionSteps = 2, CorrectorSeesInput = true });
        model.train();
        using var x = torch.rand(new long[] { 2, 3, 5, 17, 23 }) * 2 - 1;
        using var target = torch.rand(new long[] { 2, 2, 3, 5, 17, 23 }) * 2 - 1;
        using var loss = (model.forward(x) - target).abs().mean();
        loss.backward();
        foreach ((string name, var p) in model.named_parameters())
        {
            Assert.True(p.grad is not null, $"{name} has no gradient");
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name} has an all-zero gradient");
        }
        Assert.Equal(2, model.Correctors.Count);
    }

    [Fact]
    public void Eval_mode_is_deterministic()
    {
        torch.manual_seed(2);
        using var model = CentrifugeModel.Create(Tiny with { CorrectionSteps = 1 });
        model.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.rand(new long[] { 1, 3, 8, 32, 32 }) * 2 - 1;
        using var a = model.forward(x);
        using var b = model.forward(x);
        Assert.True(torch.eq(a, b).all().item<bool>());
    }

    [Fact]
    public void Corrections_are_added_to_the_predictions()
    {
        torch.manual_seed(4);
        using var model = CentrifugeModel.Create(Tiny with { CorrectionSteps = 1 });
        model.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.rand(new long[] { 1, 3, 2, 8, 8 }) * 2 - 1;
        using var full = model.forward(x);
        using var predicted = model.Predictor.forward(x);
        using var corrected = predicted + model.Correctors[0].forward(predicted);
        Assert.True(torch.allclose(full, corrected.reshape(1, 2, 3, 2, 8, 8), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Outputs_are_linear_and_can_reach_the_input_range()
    {
        // No squashing activation: the last layer is a biased 1x1x1 conv, so a bias of 1 shifts every output by 1.
        using var model = CentrifugeModel.Create(Tiny);
        model.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.zeros(new long[] { 1, 3, 2, 8, 8 });
        using var before = model.forward(x);
        Tensor bias = model.Predictor.Decoder.state_dict()["output.bias"];
        bias.add_(2.0);
        using var after = model.forward(x);
        Assert.True(torch.allclose(after - before, torch.full_like(before, 2.0), atol: 1e-5));
    }

    [Fact]
    public void Presets_are_valid_and_the_paper_preset_is_the_paper_model()
    {
        Assert.Equal(["tiny", "cpu-small", "cpu-small-2d", "paper"], ModelPresets.Names);
        foreach (string name in ModelPresets.Names) ModelPresets.Get(name).Validate();
        ModelConfig paper = ModelPresets.Get("paper");
        Assert.Equal((I3dEndpoint.Mixed_5c, 1.0, 4, 1), (paper.Endpoint, paper.Width, paper.Layers, paper.CorrectionSteps));
        var e = Assert.Throws<CentrifugeException>(() => ModelPresets.Get("huge"));
        Assert.Contains("cpu-small", e.Message);
    }

    [Fact]
    public void Config_round_trips_through_json()
    {
        ModelConfig config = ModelPresets.Get("cpu-small") with { CorrectionSteps = 2, CorrectorSeesInput = true };
        string json = JsonDefaults.Serialize(config);
        Assert.Contains("\"endpoint\": \"mixed_5c\"", json);
        Assert.Equal(config, JsonDefaults.Deserialize<ModelConfig>(json));
    }

    [Fact]
    public void Bf16_inference_is_close_to_fp32_and_leaves_the_model_in_fp32()
    {
        torch.manual_seed(6);
        using var model = CentrifugeModel.Create(Tiny);
        using var x = torch.rand(new long[] { 1, 3, 4, 16, 16 }) * 2 - 1;
        using var fp32 = new InferenceModel(model, Precision.Fp32);
        using var bf16 = new InferenceModel(model, Precision.Bf16);
        using var a = fp32.Run(x);
        using var b = bf16.Run(x);
        Assert.Equal(ScalarType.Float32, b.dtype);
        Assert.Equal(a.shape, b.shape);
        double mse = (a - b).square().mean().item<float>();
        Assert.True(mse > 0, "bf16 should differ from fp32 at all");
        Assert.True(10 * Math.Log10(4 / mse) > 25, $"bf16 PSNR vs fp32 {10 * Math.Log10(4 / mse):F1} dB");
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.False(a.requires_grad);
    }

    [Fact]
    public void Mac_count_of_a_unit_matches_its_shape()
    {
        using var unit = new Unit3D(4, 6, 3);
        using var counter = new MacCounter(unit);
        using var y = unit.call(torch.zeros(new long[] { 1, 4, 2, 5, 5 }));
        Assert.Equal(6.0 * 2 * 5 * 5 * 4 * 27, counter.Macs);
        using var plain = unit.forward(torch.zeros(new long[] { 1, 4, 2, 5, 5 }));
        Assert.Equal(6.0 * 2 * 5 * 5 * 4 * 27, counter.Macs);   // forward itself counts nothing: only hooks do
    }
}

public class MixtureConsistencyTests
{
    [Fact]
    public void The_projected_pair_averages_to_the_input_and_differs_from_the_unprojected_by_one_shared_offset()
    {
        Centrifuge.Runtime.TorchRuntime.EnsureLoaded();
        ModelConfig config = ModelPresets.Get("tiny");
        torch.manual_seed(11);
        using var plain = CentrifugeModel.Create(config);
        using var projected = CentrifugeModel.Create(config with { MixtureConsistency = true });
        projected.load_state_dict(plain.state_dict());
        plain.eval();
        projected.eval();
        torch.manual_seed(12);
        using Tensor video = torch.rand(new long[] { 2, 3, 5, 20, 22 }) * 2 - 1;
        using var noGrad = torch.no_grad();
        using Tensor o = plain.forward(video), p = projected.forward(video);
        // Reference in double precision, element by element: p_i = o_i + (v - (o_1 + o_2) / 2).
        double[] ov = o.to_type(ScalarType.Float64).data<double>().ToArray(), pv = p.to_type(ScalarType.Float64).data<double>().ToArray();
        double[] vv = video.to_type(ScalarType.Float64).data<double>().ToArray();
        int per = 3 * 5 * 20 * 22;
        double worst = 0, moved = 0;
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < per; i++)
            {
                double o1 = ov[(b * 2) * per + i], o2 = ov[(b * 2 + 1) * per + i], v = vv[b * per + i];
                double shift = v - (o1 + o2) / 2;
                worst = Math.Max(worst, Math.Abs(pv[(b * 2) * per + i] - (o1 + shift)));
                worst = Math.Max(worst, Math.Abs(pv[(b * 2 + 1) * per + i] - (o2 + shift)));
                worst = Math.Max(worst, Math.Abs((pv[(b * 2) * per + i] + pv[(b * 2 + 1) * per + i]) / 2 - v));
                moved = Math.Max(moved, Math.Abs(shift));
            }
        Assert.True(worst < 1e-5, $"max deviation {worst}");
        Assert.True(moved > 0.01, "the untrained outputs already averaged to the input: the test would not see a projection");
        Assert.Throws<CentrifugeException>(() => (config with { Layers = 4, MixtureConsistency = true }).Validate());
    }
}

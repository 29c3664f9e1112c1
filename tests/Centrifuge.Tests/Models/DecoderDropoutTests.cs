using Centrifuge.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

/// <summary>ModelConfig.DecoderDropout: a regulariser of training that changes neither the weights nor inference.</summary>
public sealed class DecoderDropoutTests
{
    private static readonly ModelConfig Tiny = ModelPresets.Get("tiny");

    [Fact]
    public void It_drops_feature_channels_in_training_only()
    {
        torch.manual_seed(5);
        using var plain = CentrifugeModel.Create(Tiny);
        using var dropping = CentrifugeModel.Create(Tiny with { DecoderDropout = 0.5 });
        dropping.load_state_dict(plain.state_dict());
        using var x = torch.rand(new long[] { 2, 3, 8, 32, 32 }) * 2 - 1;
        using (torch.no_grad())
        {
            plain.eval();
            dropping.eval();
            using Tensor a = plain.forward(x), b = dropping.forward(x);
            Assert.True(a.allclose(b, 0, 0), "eval mode: the outputs of the same weights with and without dropout differ");

            plain.train();
            dropping.train();
            using Tensor c = plain.forward(x), d = plain.forward(x), e = dropping.forward(x), f = dropping.forward(x);
            Assert.True(c.allclose(d, 1e-5, 1e-6), "train mode without dropout: two forwards differ");
            Assert.False(e.allclose(f, 1e-3, 1e-3), "train mode with dropout 0.5: two forwards are alike");
            Assert.False(c.allclose(e, 1e-3, 1e-3), "train mode: dropout changed nothing");
        }
    }

    [Fact]
    public void It_is_not_part_of_the_architecture_and_is_written_only_when_set()
    {
        Assert.Equal(Tiny, Tiny with { DecoderDropout = 0.2 });
        Assert.DoesNotContain("decoder_dropout", JsonDefaults.Serialize(Tiny));
        Assert.Contains("\"decoder_dropout\": 0.2", JsonDefaults.Serialize(Tiny with { DecoderDropout = 0.2 }));
        Assert.Throws<CentrifugeException>(() => (Tiny with { DecoderDropout = 1 }).Validate());
        Assert.Throws<CentrifugeException>(() => (Tiny with { DecoderDropout = -0.1 }).Validate());
    }

    [Fact]
    public void A_run_with_dropout_starts_from_a_model_trained_without()
    {
        using var dir = new Support.TempDir();
        string path = dir.File("plain.ckpt");
        torch.manual_seed(6);
        using (var plain = CentrifugeModel.Create(Tiny)) ModelCheckpoint.Save(plain, path);
        using var dropping = CentrifugeModel.Create(Tiny with { DecoderDropout = 0.3 });
        ModelCheckpoint.LoadInitial(dropping, path);
        using var reloaded = ModelCheckpoint.Load(path);
        foreach ((Tensor p, Tensor q) in dropping.parameters().Zip(reloaded.parameters()))
            Assert.True(p.allclose(q, 0, 0));
    }
}

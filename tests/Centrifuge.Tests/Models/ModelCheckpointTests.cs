using Centrifuge.Models;
using Centrifuge.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Tests.Models;

public class ModelCheckpointTests
{
    private static CentrifugeModel TrainedTiny(ModelConfig config)
    {
        torch.manual_seed(7);
        var model = CentrifugeModel.Create(config);
        // One training-mode forward moves the BatchNorm running stats away from their defaults.
        using (torch.no_grad())
        using (var x = torch.rand(new long[] { 2, 3, 4, 16, 16 }))
            model.forward(x).Dispose();
        model.eval();
        return model;
    }

    [Fact]
    public void Save_load_round_trip_reproduces_outputs_exactly()
    {
        using var dir = new TempDir();
        ModelConfig config = ModelPresets.Get("tiny") with { CorrectionSteps = 1, CorrectorSeesInput = true };
        using var model = TrainedTiny(config);
        string path = dir.File("model.ckpt");
        ModelCheckpoint.Save(model, path);
        Assert.Equal(new[] { "model.ckpt" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName));
        Assert.Equal(config, ModelCheckpoint.ReadConfig(path));

        using var loaded = ModelCheckpoint.Load(path);
        loaded.eval();
        using var noGrad = torch.no_grad();
        using var x = torch.rand(new long[] { 1, 3, 5, 17, 23 }) * 2 - 1;
        using var a = model.forward(x);
        using var b = loaded.forward(x);
        Assert.True(torch.eq(a, b).all().item<bool>());

        using var fresh = CentrifugeModel.Create(config);
        ModelCheckpoint.LoadInto(fresh, path);
        fresh.eval();
        using var c = fresh.forward(x);
        Assert.True(torch.eq(a, c).all().item<bool>());
    }

    [Fact]
    public void Loading_into_a_different_config_names_the_mismatch()
    {
        using var dir = new TempDir();
        using var model = TrainedTiny(ModelPresets.Get("tiny"));
        string path = dir.File("model.ckpt");
        ModelCheckpoint.Save(model, path);
        using var other = CentrifugeModel.Create(ModelPresets.Get("tiny") with { Layers = 4 });
        var e = Assert.Throws<CentrifugeException>(() => ModelCheckpoint.LoadInto(other, path));
        Assert.Equal(ExitCodes.IncompatibleModel, e.ExitCode);
        Assert.Contains("layers: checkpoint 2, model 4", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_fails_clearly()
    {
        using var dir = new TempDir();
        string path = dir.File("bogus.ckpt");
        File.WriteAllText(path, "not a model");
        var e = Assert.Throws<CentrifugeException>(() => ModelCheckpoint.Load(path));
        Assert.Equal(ExitCodes.InvalidInput, e.ExitCode);
        Assert.Equal(ExitCodes.MissingInput,
            Assert.Throws<CentrifugeException>(() => ModelCheckpoint.ReadConfig(dir.File("none.ckpt"))).ExitCode);
    }

    [Theory]
    [InlineData("encoder.pt")]
    [InlineData("encoder.safetensors")]
    public void Encoder_export_import_round_trip_with_pytorch_key_names(string file)
    {
        using var dir = new TempDir();
        ModelConfig config = ModelPresets.Get("tiny");
        using var source = TrainedTiny(config);
        string path = dir.File(file);
        I3dWeights.Export((I3dEncoder)source.Predictor.Encoder, path);

        torch.manual_seed(99);
        using var target = CentrifugeModel.Create(config);
        int copied = I3dWeights.Import((I3dEncoder)target.Predictor.Encoder, path);
        Assert.Equal(source.Predictor.Encoder.state_dict().Count, copied);
        foreach ((string key, Tensor value) in source.Predictor.Encoder.state_dict())
            Assert.True(torch.eq(value, target.Predictor.Encoder.state_dict()[key]).all().item<bool>(), key);

        // A deeper encoder's file initialises a shallower one: extra keys (Mixed_4*, ...) are ignored.
        using var deeper = new I3dEncoder(config with { Endpoint = I3dEndpoint.Mixed_5c });
        string deepPath = dir.File("deep-" + file);
        I3dWeights.Export(deeper, deepPath);
        I3dWeights.Import((I3dEncoder)target.Predictor.Encoder, deepPath);
    }

    [Fact]
    public void Importing_encoder_weights_of_another_width_fails_naming_the_key()
    {
        using var dir = new TempDir();
        using var narrow = new I3dEncoder(ModelPresets.Get("tiny"));
        using var wide = new I3dEncoder(ModelPresets.Get("tiny") with { Width = 0.125 });
        string path = dir.File("narrow.pt");
        I3dWeights.Export(narrow, path);
        var e = Assert.Throws<CentrifugeException>(() => I3dWeights.Import(wide, path));
        Assert.Equal(ExitCodes.IncompatibleModel, e.ExitCode);
        Assert.Contains("Conv3d_1a_7x7.conv3d.weight has shape [4, 3, 7, 7, 7], the encoder [8, 3, 7, 7, 7]", e.Message);
    }
}

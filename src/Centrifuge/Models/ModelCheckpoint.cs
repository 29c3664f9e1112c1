using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// A model in one file: the magic "CENTRIFUGE-MODEL2\n", a little-endian int32 byte length, the <see cref="ModelConfig"/>
/// as JSON, TorchSharp's state dict (Module.save format), then a <see cref="ChecksumTrailer"/>: the SHA-256 of all the
/// bytes before it and the marker "CFMODEND". Every load verifies the checksum first, so a damaged file is refused in
/// one line instead of loading wrong weights. Files of the first format ("CENTRIFUGE-MODEL1\n", the same without the
/// trailer, written before checksums existed) still load, unverified. Written to a temp name in the same folder and
/// renamed. Loading into a model of another config fails with <see cref="ExitCodes.IncompatibleModel"/> and a message
/// naming every field that differs.
/// </summary>
public static class ModelCheckpoint
{
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("CENTRIFUGE-MODEL2\n");
    private static readonly byte[] UncheckedMagic = Encoding.ASCII.GetBytes("CENTRIFUGE-MODEL1\n");
    // How a training checkpoint (Training.TrainingCheckpoint) starts: named, not read, when one is given as a model.
    private static readonly byte[] TrainingMagic = "CFGTRAIN"u8.ToArray();
    private static readonly byte[] EndMarker = "CFMODEND"u8.ToArray();

    /// <summary>
    /// Saves the model and its config, the scale it was trained at when known, and the strength its layers are written at
    /// by default when one is recommended (<see cref="StrengthSetting"/>; overwrites <paramref name="path"/>: callers
    /// check --force).
    /// </summary>
    public static void Save(CentrifugeModel model, string path, TrainingScale? trainedAt = null, StrengthSetting? strength = null)
    {
        strength?.Validate();
        AtomicFile.Write(path, stream =>
        {
            using var hashed = new HashingStream(stream);
            using var writer = new BinaryWriter(hashed, Encoding.UTF8, leaveOpen: true);
            byte[] json = Encoding.UTF8.GetBytes(HeaderJson(model.Config, trainedAt, strength));
            writer.Write(Magic);
            writer.Write(json.Length);
            writer.Write(json);
            model.save(writer);
            writer.Flush();
            ChecksumTrailer.Append(hashed, EndMarker);
        });
    }

    /// <summary>The config stored in a checkpoint, without reading the weights.</summary>
    public static ModelConfig ReadConfig(string path)
    {
        using var reader = Open(path);
        return ReadHeader(reader, path);
    }

    /// <summary>The scale the model was trained at, or null for a file that does not record it (written before it was stored).</summary>
    public static TrainingScale? ReadTrainingScale(string path) => ReadHeaderMember<TrainingScale>(path, TrainedAtKey);

    /// <summary>
    /// The strength the model's layers are written at when no other is asked for, or null for a file that records none
    /// (the model's own layers then; <see cref="StrengthSetting"/>).
    /// </summary>
    public static StrengthSetting? ReadStrength(string path) => StrengthSetting.Recorded(ReadHeaderMember<StrengthSetting>(path, StrengthKey), path);

    /// <summary>
    /// Writes <paramref name="output"/>: the model of <paramref name="input"/> (weights, config and training scale
    /// unchanged) recording <paramref name="strength"/> as its default, or none when null. The output may be the input
    /// itself (with <paramref name="force"/>, as for any existing file): the model is read whole before the file is replaced.
    /// </summary>
    public static void RecordStrength(string input, string output, StrengthSetting? strength, bool force)
    {
        string full = AtomicFile.CheckFileTarget(output, force, "a .ckpt file path");
        TrainingScale? trainedAt = ReadTrainingScale(input);
        using CentrifugeModel model = Load(input);
        Save(model, full, trainedAt, strength);
    }

    // A member of the header's JSON object beside the config, or null when the file has none (older files).
    private static T? ReadHeaderMember<T>(string path, string key) where T : class
    {
        using var reader = Open(path);
        ReadHeader(reader, path, out string json);
        using JsonDocument document = JsonDocument.Parse(json);
        try
        {
            return document.RootElement.TryGetProperty(key, out JsonElement member) && member.ValueKind == JsonValueKind.Object
                ? member.Deserialize<T>(JsonDefaults.Options)
                : null;
        }
        catch (JsonException e)
        {
            throw new CentrifugeException($"{path}: corrupt checkpoint header ({key}): {e.Message}", ExitCodes.InvalidInput, e);
        }
    }

    /// <summary>Creates a model from the checkpoint's config and loads its weights (on <paramref name="device"/>, default CPU).</summary>
    public static CentrifugeModel Load(string path, Device? device = null)
    {
        using var reader = Open(path);
        ModelConfig config = ReadHeader(reader, path);
        var model = CentrifugeModel.Create(config);
        ReadWeights(model, reader, path);
        if (device is not null) model.to(device);
        return model;
    }

    /// <summary>Loads a checkpoint's weights into an existing model, which must have the same config.</summary>
    public static void LoadInto(CentrifugeModel model, string path)
    {
        using var reader = Open(path);
        RequireSameConfig(ReadHeader(reader, path), model, path);
        ReadWeights(model, reader, path);
    }

    /// <summary>
    /// Loads initial weights for training (`train --init`): a checkpoint of the same architecture whole, or a
    /// predictor-only checkpoint into the predictor of a predictor-corrector that is otherwise the same (the paper's step
    /// from predictor to predictor-corrector), with the correctors as initialised but adding nothing at first
    /// (<see cref="CentrifugeModel.StartCorrectorsAsIdentity"/>). Any other difference is refused.
    /// </summary>
    public static WeightsLoaded LoadInitial(CentrifugeModel model, string path)
    {
        using var reader = Open(path);
        return ReadInitialWeights(model, ReadHeader(reader, path), reader, path);
    }

    /// <summary><see cref="LoadInitial"/> on weights that follow a header already read as <paramref name="stored"/>.</summary>
    internal static WeightsLoaded ReadInitialWeights(CentrifugeModel model, ModelConfig stored, BinaryReader reader, string path)
    {
        if (!IsPredictorOf(stored, model.Config))
        {
            RequireSameConfig(stored, model, path);
            ReadWeights(model, reader, path);
            return WeightsLoaded.Whole;
        }
        // The stored predictor-only model, built around the caller's RNG sequence so the correctors' initialisation (but
        // for their zeroed output convolutions) and what follows are those of a run without --init.
        using Tensor rng = torch.get_rng_state();
        using CentrifugeModel predictorOnly = CentrifugeModel.Create(stored);
        torch.set_rng_state(rng);
        ReadWeights(predictorOnly, reader, path);
        Dictionary<string, Tensor> source = predictorOnly.Predictor.state_dict(), target = model.Predictor.state_dict();
        using (torch.no_grad())
            foreach ((string name, Tensor value) in source)
                target[name].copy_(value);
        model.StartCorrectorsAsIdentity();
        return WeightsLoaded.PredictorOnly;
    }

    // A predictor-only config that is `model` without its correctors.
    private static bool IsPredictorOf(ModelConfig stored, ModelConfig model) =>
        stored.CorrectionSteps == 0 && model.CorrectionSteps > 0 &&
        stored.Equals(model with { CorrectionSteps = 0, CorrectorSeesInput = stored.CorrectorSeesInput });

    /// <summary>Refuses weights stored for another architecture, naming every field that differs.</summary>
    internal static void RequireSameConfig(ModelConfig stored, CentrifugeModel model, string path)
    {
        if (!stored.Equals(model.Config))
            throw new CentrifugeException(
                $"{path}: checkpoint config differs from the model's: {DescribeDifferences(stored, model.Config)}",
                ExitCodes.IncompatibleModel);
    }

    /// <summary>"layers: checkpoint 4, model 2; endpoint: ..." for every JSON field that differs.</summary>
    public static string DescribeDifferences(ModelConfig checkpoint, ModelConfig model)
    {
        using JsonDocument a = JsonDocument.Parse(JsonDefaults.Serialize(checkpoint));
        using JsonDocument b = JsonDocument.Parse(JsonDefaults.Serialize(model));
        var differences = new List<string>();
        foreach (JsonProperty p in a.RootElement.EnumerateObject())
        {
            string theirs = b.RootElement.TryGetProperty(p.Name, out JsonElement other) ? Compact(other) : "(absent)";
            if (Compact(p.Value) != theirs) differences.Add($"{p.Name}: checkpoint {Compact(p.Value)}, model {theirs}");
        }
        return differences.Count == 0 ? "(no field differs)" : string.Join("; ", differences);
    }

    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e);

    // Opens a checkpoint; a file of the current format has its checksum verified before anything is read.
    private static BinaryReader Open(string path)
    {
        if (!File.Exists(path)) throw new CentrifugeException($"{path}: checkpoint not found", ExitCodes.MissingInput);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        try
        {
            Span<byte> head = stackalloc byte[Magic.Length];
            if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(Magic))
                ChecksumTrailer.Verify(path, stream, EndMarker, "model checkpoint");
            stream.Seek(0, SeekOrigin.Begin);
            return new BinaryReader(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private const string TrainedAtKey = "trained_at";
    private const string StrengthKey = "strength";

    // The header is the model config's JSON object, with the training scale ("trained_at") and the default strength
    // ("strength") as members of their own, which readers of the config alone ignore.
    private static string HeaderJson(ModelConfig config, TrainingScale? trainedAt, StrengthSetting? strength)
    {
        var header = JsonNode.Parse(JsonDefaults.Serialize(config))!.AsObject();
        if (trainedAt is not null) header[TrainedAtKey] = JsonNode.Parse(JsonDefaults.Serialize(trainedAt));
        if (strength is not null) header[StrengthKey] = JsonNode.Parse(JsonDefaults.Serialize(strength));
        return header.ToJsonString(JsonDefaults.Options);
    }

    private static ModelConfig ReadHeader(BinaryReader reader, string path) => ReadHeader(reader, path, out _);

    private static ModelConfig ReadHeader(BinaryReader reader, string path, out string json)
    {
        try
        {
            byte[] magic = reader.ReadBytes(Magic.Length);
            if (magic.AsSpan().StartsWith(TrainingMagic))
                throw new CentrifugeException($"{path}: a training checkpoint (a run's checkpoints/step-N.ckpt), not a model checkpoint: " +
                    "models are the run's best.ckpt", ExitCodes.InvalidInput) { Remedy = Remedy.ExtractStepModel, RemedyDetail = path };
            if (!magic.AsSpan().SequenceEqual(Magic) && !magic.AsSpan().SequenceEqual(UncheckedMagic))
                throw new CentrifugeException($"{path}: not a Centrifuge model checkpoint (bad header)", ExitCodes.InvalidInput);
            int length = reader.ReadInt32();
            if (length <= 0 || length > 1 << 20)
                throw new CentrifugeException($"{path}: corrupt checkpoint header (config length {length})", ExitCodes.InvalidInput);
            json = Encoding.UTF8.GetString(reader.ReadBytes(length));
            ModelConfig config = JsonDefaults.Deserialize<ModelConfig>(json);
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is EndOfStreamException || e is JsonException)
        {
            throw new CentrifugeException($"{path}: truncated or corrupt checkpoint header: {e.Message}", ExitCodes.InvalidInput, e);
        }
    }

    /// <summary>Reads the weights that follow a checkpoint's header into <paramref name="model"/> (strict: every tensor, same shapes).</summary>
    internal static void ReadWeights(CentrifugeModel model, BinaryReader reader, string path)
    {
        try
        {
            using (torch.no_grad()) model.load(reader, strict: true);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or InvalidOperationException
                                    or InvalidDataException or IOException)
        {
            throw new CentrifugeException($"{path}: the checkpoint's weights do not load: {e.Message}", ExitCodes.IncompatibleModel, e);
        }
    }
}

/// <summary>What `train --init` took from a checkpoint: every weight, or the predictor's only (the correctors start fresh).</summary>
public enum WeightsLoaded { Whole, PredictorOnly }

using System.Text;
using Centrifuge.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Training;

/// <summary>
/// A full training checkpoint: model weights and batch-norm statistics, optimizer state (momentum buffers or Adam
/// moments and step counts), and the <see cref="TrainingState"/> (iteration, schedule scale, RNG, loader position,
/// best validation loss, config). One file: a magic header, the format version, the state as JSON, the model, the
/// optimizer, the SHA-256 of all of that and an end marker (<see cref="ChecksumTrailer"/>). Both are checked before
/// anything is loaded, so a truncated file or one with a flipped byte is rejected rather than loaded (and the store
/// falls back to an older checkpoint). Format 1 (no checksum, written before checksums existed) still loads.
/// Written with <see cref="AtomicFile"/>: a crash mid-write never damages the previous checkpoint.
/// </summary>
public static class TrainingCheckpoint
{
    private static readonly byte[] Magic = "CFGTRAIN"u8.ToArray();
    private static readonly byte[] EndMarker = "CFGTREND"u8.ToArray();
    private const int FormatVersion = 2, UncheckedVersion = 1;

    /// <summary>Saves model, optimizer and state to <paramref name="path"/> (temp file + rename).</summary>
    public static void Save(string path, CentrifugeModel model, OptimizerHelper optimizer, TrainingState state,
        Func<string, Stream>? openTemp = null)
    {
        state = state with { TorchRngState = CaptureRng(), SavedUtc = DateTime.UtcNow };
        AtomicFile.Write(path, stream =>
        {
            using var hashed = new HashingStream(stream);
            using var writer = new BinaryWriter(hashed, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(JsonDefaults.Serialize(state));
            model.save(writer);
            optimizer.save_state_dict(writer);
            writer.Flush();
            ChecksumTrailer.Append(hashed, EndMarker);
        }, openTemp: openTemp);
    }

    /// <summary>Reads only the state of a checkpoint (no tensors); throws <see cref="CentrifugeException"/> if the file is damaged.</summary>
    public static TrainingState ReadState(string path)
    {
        using FileStream stream = OpenChecked(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        return ReadHeader(path, reader);
    }

    /// <summary>
    /// Loads a checkpoint into an existing model and optimizer (in place, so the optimizer keeps its parameters) and
    /// restores libtorch's RNG. Call outside any dispose scope: restored optimizer buffers must outlive it.
    /// </summary>
    public static TrainingState Load(string path, CentrifugeModel model, OptimizerHelper optimizer)
    {
        using FileStream stream = OpenChecked(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        TrainingState state = ReadHeader(path, reader);
        try
        {
            using (torch.no_grad()) model.load(reader, strict: true);
            optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or IOException)
        {
            throw new CentrifugeException(
                $"{path}: checkpoint does not match this model/optimizer ({e.Message.Split('\n')[0]})",
                ExitCodes.IncompatibleModel, e);
        }
        if (state.TorchRngState.Length > 0) RestoreRng(state.TorchRngState);
        return state;
    }

    /// <summary>Whether <paramref name="path"/> starts like a training checkpoint (not a model checkpoint).</summary>
    public static bool IsTrainingCheckpoint(string path)
    {
        if (!File.Exists(path)) return false;
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[Magic.Length];
        return stream.Read(head) == Magic.Length && head.SequenceEqual(Magic);
    }

    /// <summary>
    /// Loads only the model weights of a training checkpoint (a run's step-N.ckpt) into <paramref name="model"/>, as
    /// `train --init` does with a model checkpoint: the optimizer state, schedule and RNG are left behind; a predictor-only
    /// checkpoint fills the predictor of a predictor-corrector (<see cref="ModelCheckpoint.LoadInitial"/>).
    /// </summary>
    public static WeightsLoaded LoadWeights(string path, CentrifugeModel model)
    {
        using FileStream stream = OpenChecked(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        return ModelCheckpoint.ReadInitialWeights(model, ReadHeader(path, reader).Config.Model, reader, path);
    }

    private static TrainingState ReadHeader(string path, BinaryReader reader)
    {
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new CentrifugeException($"{path}: not a Centrifuge training checkpoint", ExitCodes.InvalidInput);
            int version = reader.ReadInt32();
            if (version != FormatVersion && version != UncheckedVersion)
                throw new CentrifugeException($"{path}: training checkpoint format {version} is not supported (expected {FormatVersion})",
                    ExitCodes.IncompatibleModel);
            return JsonDefaults.Deserialize<TrainingState>(reader.ReadString());
        }
        catch (Exception e) when (e is EndOfStreamException or System.Text.Json.JsonException)
        {
            throw new CentrifugeException($"{path}: training checkpoint is damaged ({e.Message.Split('\n')[0]})", ExitCodes.InvalidInput, e);
        }
    }

    // A complete file ends with the end marker, and (format 2) its checksum matches: checking both first means a
    // truncated or damaged file is never loaded.
    private static FileStream OpenChecked(string path)
    {
        if (!File.Exists(path)) throw new CentrifugeException($"{path}: checkpoint not found", ExitCodes.MissingInput);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        try
        {
            if (stream.Length < Magic.Length + sizeof(int) + EndMarker.Length || !ChecksumTrailer.EndsWith(stream, EndMarker))
                throw new CentrifugeException($"{path}: training checkpoint is incomplete (written partly, then interrupted)", ExitCodes.InvalidInput);
            Span<byte> head = stackalloc byte[Magic.Length + sizeof(int)];
            stream.ReadExactly(head);
            if (head[..Magic.Length].SequenceEqual(Magic) && BitConverter.ToInt32(head[Magic.Length..]) == FormatVersion)
                ChecksumTrailer.Verify(path, stream, EndMarker, "training checkpoint");
            stream.Seek(0, SeekOrigin.Begin);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static byte[] CaptureRng()
    {
        using Tensor state = torch.get_rng_state();
        return state.data<byte>().ToArray();
    }

    private static void RestoreRng(byte[] bytes)
    {
        using Tensor state = torch.tensor(bytes, dtype: ScalarType.Byte);
        torch.set_rng_state(state);
    }
}

using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// Encoder weights in PyTorch-compatible files, with the PyTorch I3D port's key names
/// (<c>Conv3d_1a_7x7.conv3d.weight</c>, <c>Mixed_3b.b1b.bn.running_mean</c>, ...), so I3D weights trained elsewhere
/// can initialise an encoder and ours can be read by <c>torch.load</c>. A <c>.safetensors</c> path uses safetensors,
/// anything else a pickled PyTorch state_dict (TorchSharp.PyBridge).
/// </summary>
public static class I3dWeights
{
    /// <summary>Writes the encoder's state dict (parameters and BatchNorm buffers), temp + rename.</summary>
    public static void Export(I3dEncoder encoder, string path)
    {
        var state = new Dictionary<string, Tensor>(encoder.state_dict());
        AtomicFile.Write(path, stream =>
        {
            if (IsSafetensors(path)) Safetensors.SaveStateDict(stream, state, leaveOpen: true);
            else PyTorchPickler.PickleStateDict(stream, state, leaveOpen: true);
        });
    }

    /// <summary>
    /// Copies every tensor of the encoder's state dict from the file. Keys the encoder lacks (logits, endpoints past
    /// ours) are ignored; a missing key or a shape mismatch fails with <see cref="ExitCodes.IncompatibleModel"/>.
    /// Returns the number of tensors copied.
    /// </summary>
    public static int Import(I3dEncoder encoder, string path)
    {
        if (!File.Exists(path)) throw new CentrifugeException($"{path}: encoder weights not found", ExitCodes.MissingInput);
        Dictionary<string, Tensor> source = Read(path);
        try
        {
            var problems = new List<string>();
            Dictionary<string, Tensor> target = encoder.state_dict();
            foreach ((string key, Tensor tensor) in target)
            {
                if (!source.TryGetValue(key, out Tensor? value)) problems.Add($"{key} missing");
                else if (!value.shape.SequenceEqual(tensor.shape))
                    problems.Add($"{key} has shape [{string.Join(", ", value.shape)}], the encoder [{string.Join(", ", tensor.shape)}]");
            }
            if (problems.Count > 0)
                throw new CentrifugeException(
                    $"{path}: encoder weights do not fit this encoder ({problems.Count} problems): " +
                    string.Join("; ", problems.Take(3)) + (problems.Count > 3 ? "; ..." : ""), ExitCodes.IncompatibleModel);
            using (torch.no_grad())
                foreach ((string key, Tensor tensor) in target)
                    tensor.copy_(source[key].to(tensor.dtype));
            return target.Count;
        }
        finally
        {
            foreach (Tensor t in source.Values) t.Dispose();
        }
    }

    private static Dictionary<string, Tensor> Read(string path)
    {
        try
        {
            if (IsSafetensors(path)) return Safetensors.LoadStateDict(path);
            Hashtable table = PyTorchUnpickler.UnpickleStateDict(path);
            var result = new Dictionary<string, Tensor>();
            foreach (DictionaryEntry entry in table)
                if (entry.Key is string key && entry.Value is Tensor tensor) result[key] = tensor;
            return result;
        }
        catch (Exception e) when (e is not CentrifugeException && e is not OutOfMemoryException)
        {
            throw new CentrifugeException($"{path}: not a readable PyTorch state_dict or safetensors file: {e.Message}",
                ExitCodes.InvalidInput, e);
        }
    }

    private static bool IsSafetensors(string path) => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
}

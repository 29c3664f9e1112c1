using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Centrifuge.Models;

/// <summary>
/// Builds one ONNX graph (the protobuf classes of the OnnxSharp package, generated from onnx.proto): float32
/// initializers copied from TorchSharp tensors, int64 constants, and nodes whose outputs get unique names. Values are
/// named by the module path that makes them ("predictor.encoder.Mixed_3b.b1b.conv"), so a graph viewer reads like
/// the model's module tree. Each module writes its own ONNX form into it, beside its forward (<see cref="IOnnxLayer"/>,
/// <see cref="CentrifugeModel.ToOnnx"/>); Export/OnnxExporter makes the file.
/// </summary>
public sealed class OnnxGraph
{
    private readonly GraphProto _graph = new() { Name = "centrifuge" };
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphProto Proto => _graph;

    /// <summary>Adds a float32 weight (any dtype or device is converted) and returns its name.</summary>
    public string Weight(string name, Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        Tensor data = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        float[] values = data.data<float>().ToArray();
        var proto = new TensorProto
        {
            Name = Unique(name),
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())),
        };
        proto.Dims.AddRange(data.shape);
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Adds a float32 constant vector.</summary>
    public string Floats(string name, params float[] values) =>
        Constant(name, TensorProto.Types.DataType.Float, values.Length, proto => proto.FloatData.AddRange(values));

    /// <summary>Adds an int64 constant vector (shapes, pads, slice bounds).</summary>
    public string Longs(string name, params long[] values) =>
        Constant(name, TensorProto.Types.DataType.Int64, values.Length, proto => proto.Int64Data.AddRange(values));

    private string Constant(string name, TensorProto.Types.DataType type, int length, Action<TensorProto> fill)
    {
        var proto = new TensorProto { Name = Unique(name), DataType = (int)type };
        proto.Dims.Add(length);
        fill(proto);
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Adds a node with one output, named after <paramref name="name"/>, and returns the output's name.</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Unique(name);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>A float32 graph input or output whose dimensions are fixed numbers or named (dynamic) dimensions.</summary>
    public static ValueInfoProto Value(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }

    /// <summary>Eval-mode batch norm of any rank (BatchNorm2d's and 3d's parameters are the same per-channel vectors).</summary>
    public string BatchNorm(BatchNorm bn, string x, string path) =>
        Node("BatchNormalization", path, [x, Weight($"{path}.weight", bn.weight!), Weight($"{path}.bias", bn.bias!),
            Weight($"{path}.running_mean", bn.running_mean!), Weight($"{path}.running_var", bn.running_var!)],
            Float("epsilon", (float)bn.eps));

    /// <summary>[B, C, T, H, W] -> the int64 vectors [B] and [T, H, W], read at run time.</summary>
    public (string Batch, string Size) BatchAndSize(string x, string path)
    {
        string shape = Node("Shape", $"{path}.shape", [x]);
        string batch = Node("Slice", $"{path}.batch", [shape, Longs($"{path}.batch_start", 0), Longs($"{path}.batch_end", 1)]);
        string size = Node("Slice", $"{path}.size_thw", [shape, Longs($"{path}.size_start", 2), Longs($"{path}.size_end", 5)]);
        return (batch, size);
    }

    /// <summary>
    /// Divides <paramref name="d"/> (per dimension T, H, W, a number the size is always a multiple of) by a layer's
    /// stride; refuses a stride that does not divide it, since the layer's padding would then depend on the input size.
    /// </summary>
    public static void Divide(long[] d, IReadOnlyList<long> stride, string path)
    {
        for (int i = 0; i < 3; i++)
        {
            if (d[i] % stride[i] != 0)
                throw new InvalidOperationException(
                    $"{path}: stride {stride[i]} does not divide the guaranteed size multiple {d[i]}: the padding would depend on the input size");
            d[i] /= stride[i];
        }
    }

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private string Unique(string name)
    {
        string candidate = name;
        for (int i = 1; !_names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }
}

namespace Centrifuge.Models;

/// <summary>
/// A layer that writes its eval-mode forward pass into an <see cref="OnnxGraph"/>, beside that forward so a change is
/// made in one place (the export's numeric check in tests compares the two).
/// </summary>
public interface IOnnxLayer
{
    /// <summary>
    /// Adds the layer's nodes on the value <paramref name="x"/> ([B, C, T, H, W]) and returns its output's name.
    /// <paramref name="d"/> holds, per dimension T, H, W, a number the size is always a multiple of; the layer divides it
    /// by the strides it applies. Values are named under <paramref name="path"/>, the layer's module path.
    /// </summary>
    string ToOnnx(OnnxGraph g, string x, long[] d, string path);
}

namespace Centrifuge.Models;

/// <summary>
/// How each decoder stage undoes one encoder down-sampling (factor 2, or 1 in time where the encoder kept it).
/// All variants map [B, Cin, t, h, w] -> [B, Cout, t*ft, h*fs, w*fs]. See docs/BENCHMARKS.md (## Model) for the
/// measured cost of each on this CPU.
/// </summary>
public enum DecoderUpsampling
{
    /// <summary>ConvTranspose3d, kernel = stride (2, or 1 where the factor is 1): the textbook up-convolution.</summary>
    TransposedK2,
    /// <summary>ConvTranspose3d kernel 4, stride 2, padding 1 (kernel 3, padding 1 where the factor is 1).</summary>
    TransposedK4,
    /// <summary>ConvTranspose3d kernel 3, stride 2, padding 1, output padding 1.</summary>
    TransposedK3,
    /// <summary>
    /// Sub-pixel form of <see cref="TransposedK2"/>: a 1x1x1 Conv3d to Cout*ft*fs*fs channels, then a 3D pixel
    /// shuffle. The same function class as a kernel-2 stride-2 transposed convolution, computed as one matmul.
    /// </summary>
    SubPixel,
    /// <summary>Nearest-neighbour up-sampling, then a 3x3x3 Conv3d.</summary>
    NearestConv,
    /// <summary>Trilinear up-sampling, then a 3x3x3 Conv3d.</summary>
    TrilinearConv,
}

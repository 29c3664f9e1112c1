namespace Centrifuge.Models;

/// <summary>
/// The I3D encoder's final endpoint (paper Table 4): Mixed_3c = 7 conv layers deep (total stride T2 x S8),
/// Mixed_4f = 17 (T4 x S16), Mixed_5c = 21 (T8 x S32, the paper's default).
/// </summary>
public enum I3dEndpoint
{
    Mixed_3c,
    Mixed_4f,
    Mixed_5c,
}

namespace Centrifuge.Data;

/// <summary>A rectangle of a stored frame, in pixels: the part of each frame a clip is cut from.</summary>
public readonly record struct CropBox(int X, int Y, int Width, int Height);

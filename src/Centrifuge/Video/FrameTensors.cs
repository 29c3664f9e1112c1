using TorchSharp;
using static TorchSharp.torch;

namespace Centrifuge.Video;

/// <summary>
/// Converts frame chunks to and from the tensors models see: [3, T, H, W] float32 in [-1, 1] (the I3D input
/// convention and the scale the paper's losses are on): x = rgb / 127.5 - 1, rgb = round((x + 1) * 127.5).
/// </summary>
public static class FrameTensors
{
    /// <summary>[T, H, W, 3] uint8 -> [3, T, H, W] float32 in [-1, 1].</summary>
    public static Tensor ToTensor(FrameChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        byte[] rgb = chunk.Rgb.Length == chunk.Frames * chunk.FrameBytes ? chunk.Rgb : chunk.Rgb[..(chunk.Frames * chunk.FrameBytes)];
        using var scope = torch.NewDisposeScope();
        Tensor bytes = torch.tensor(rgb, new long[] { chunk.Frames, chunk.Height, chunk.Width, 3 });
        Tensor video = bytes.permute(3, 0, 1, 2).to_type(ScalarType.Float32).OverInPlace(127.5).MinusInPlace(1).contiguous();
        return video.MoveToOuterDisposeScope();
    }

    /// <summary>[3, T, H, W] in [-1, 1] (values outside are clamped) -> [T, H, W, 3] uint8.</summary>
    public static FrameChunk FromTensor(Tensor video)
    {
        ArgumentNullException.ThrowIfNull(video);
        if (video.dim() != 4 || video.shape[0] != 3)
            throw new ArgumentException($"expected a [3, T, H, W] video tensor, got [{string.Join(", ", video.shape)}]", nameof(video));
        using var scope = torch.NewDisposeScope();
        // Channels last while still float (a strided uint8 copy is slow), and one block copy out: data<byte>().ToArray()
        // copied element by element and was most of the time of writing a separation's layers.
        Tensor rgb = video.detach().to(torch.CPU).to_type(ScalarType.Float32).permute(1, 2, 3, 0).contiguous()
            .ClampTo(-1, 1).PlusInPlace(1).TimesInPlace(127.5).round_()
            .to_type(ScalarType.Byte).contiguous();                                 // [T, H, W, 3]
        byte[] bytes = rgb.bytes.ToArray();
        return new FrameChunk(bytes, (int)video.shape[1], (int)video.shape[2], (int)video.shape[3]);
    }
}

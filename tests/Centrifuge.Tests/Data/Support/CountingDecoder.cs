using Centrifuge.Data;

namespace Centrifuge.Tests.Data.Support;

/// <summary>The library's decoder, counting how many times a source is opened (to see what a cache run re-decodes).</summary>
public sealed class CountingDecoder(ISourceDecoder inner) : ISourceDecoder
{
    public int Opened;

    public CountingDecoder() : this(VideoSourceDecoder.Instance) { }

    public IDecodedFrames Open(VideoSource source, int shortSide, int startFrame = 0, int? maxFrames = null)
    {
        Interlocked.Increment(ref Opened);
        return inner.Open(source, shortSide, startFrame, maxFrames);
    }

    public StoredVideo Probe(VideoSource source, int shortSide) => inner.Probe(source, shortSide);
}

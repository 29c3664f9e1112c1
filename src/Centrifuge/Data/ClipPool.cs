namespace Centrifuge.Data;

/// <summary>
/// The clips one split draws from: a frame store and which of its videos are usable — moving sources (videos,
/// frame folders) with at least T frames, and photos for camera-motion pseudo-videos — grouped by class label.
/// </summary>
public sealed class ClipPool
{
    public IFrameStore Store { get; }
    /// <summary>Store indices of videos and frame folders long enough for a clip.</summary>
    public IReadOnlyList<int> Moving { get; }
    /// <summary>Store indices of still photos.</summary>
    public IReadOnlyList<int> Photos { get; }
    /// <summary>Sources left out, e.g. shorter than T frames.</summary>
    public IReadOnlyList<SkippedSource> Skipped { get; }
    internal IReadOnlyDictionary<string, int[]> MovingByLabel { get; }

    /// <summary>Uses the store's videos at <paramref name="indices"/> (all when null) for clips of <paramref name="frames"/> frames.</summary>
    public ClipPool(IFrameStore store, int frames, IEnumerable<int>? indices = null)
    {
        Store = store;
        var moving = new List<int>();
        var photos = new List<int>();
        var skipped = new List<SkippedSource>();
        foreach (int i in indices ?? Enumerable.Range(0, store.Videos.Count))
        {
            StoredVideo v = store.Videos[i];
            if (v.Source.Kind == SourceKind.Photo) photos.Add(i);
            else if (v.Frames >= frames) moving.Add(i);
            else skipped.Add(new SkippedSource(v.Source.Id, $"too short ({v.Frames} frames, clips need {frames})"));
        }
        Moving = moving;
        Photos = photos;
        Skipped = skipped;
        MovingByLabel = moving.GroupBy(i => store.Videos[i].Source.Label).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public int Count => Moving.Count + Photos.Count;

    /// <summary>Fails with a message naming what is missing when the pool cannot make a mixture.</summary>
    public void EnsureUsable(string what)
    {
        if (Count == 0)
            throw new CentrifugeException($"{what}: no usable clips (no video with enough frames and no photo)" +
                (Skipped.Count > 0 ? $"; {Skipped.Count} skipped, e.g. {Skipped[0].Path}: {Skipped[0].Reason}" : ""), ExitCodes.InvalidInput);
    }
}

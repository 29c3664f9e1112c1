using System.Text.Json.Serialization;
using Centrifuge.Losses;

namespace Centrifuge.Evaluation.Scoring;

/// <summary>
/// The model's per-pair PSNRi gathered by source: by video (a pair counts for each of its two videos) or by unordered
/// pair of videos. A hundred pairs drawn from a handful of videos are far from independent draws: most of the spread
/// over pairs is which videos were blended, and this says which ones, and which combinations, the model fails on.
/// Name: the video's file name ("cockatoo.mp4"), or the two names joined by " + " in ordinal order.
/// </summary>
public sealed record VideoGroup(string Name, int Pairs, double Mean, double Median, double WinRate, double Worst)
{
    /// <summary>On how many of the group's pairs the model beats the reference (`evaluate --against`); null without one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? BetterThanReference { get; init; }

    /// <summary>One group per source video, worst median first (ties: by name).</summary>
    public static IReadOnlyList<VideoGroup> ByVideo(IEnumerable<PairScore> pairs) =>
        Group(pairs, p => p.Videos.Select(VideoOf).Distinct(StringComparer.Ordinal));

    /// <summary>One group per unordered pair of source videos, worst median first (ties: by name).</summary>
    public static IReadOnlyList<VideoGroup> ByVideoPair(IEnumerable<PairScore> pairs) =>
        Group(pairs, p => [PairName(p)]);

    /// <summary>
    /// The win rate with every group counted once: the mean of the groups' win rates (NaN for no groups). The plain win
    /// rate weighs each video pair by how many of the drawn pairs blend it; this one asks on how many of the video
    /// pairs the model wins, so a combination the seed happened to draw often does not outweigh the others.
    /// </summary>
    public static double BalancedWinRate(IReadOnlyList<VideoGroup> groups) => groups.Count == 0 ? double.NaN : groups.Average(g => g.WinRate);

    /// <summary>The unordered pair of videos a pair blends: "a.mp4 + b.avi" (ordinal order, start frames dropped).</summary>
    public static string PairName(PairScore pair) => string.Join(" + ", pair.Videos.Select(VideoOf).Order(StringComparer.Ordinal));

    /// <summary>A layer's video without its start frame: "cockatoo.mp4@223" is "cockatoo.mp4".</summary>
    public static string VideoOf(string layer) => layer.Split('@')[0];

    private static IReadOnlyList<VideoGroup> Group(IEnumerable<PairScore> pairs, Func<PairScore, IEnumerable<string>> keys) =>
        pairs.SelectMany(p => keys(p).Select(key => (Key: key, Pair: p)))
            .GroupBy(x => x.Key, x => x.Pair, StringComparer.Ordinal)
            .Select(g => Of(g.Key, g.ToList()))
            .OrderBy(g => g.Median).ThenBy(g => g.Name, StringComparer.Ordinal)
            .ToList();

    private static VideoGroup Of(string name, IReadOnlyList<PairScore> pairs)
    {
        PairDistribution d = PairDistribution.Of(pairs.Select(p => p.Psnri));
        bool compared = pairs.All(p => p.ReferencePsnri is not null);
        return new VideoGroup(name, d.Count, d.Mean, d.Median, d.WinRate, pairs.Min(p => p.Psnri))
        {
            // The same "better" as PairedComparison: a positive difference (a NaN on either side is level).
            BetterThanReference = compared ? pairs.Count(p => p.Psnri - p.ReferencePsnri!.Value > 0) : null,
        };
    }
}

namespace Centrifuge.Evaluation.Downstream;

/// <summary>
/// The paper's downstream score for a blended pair (section 4.1): two predictions against the two true labels;
/// 1 if both labels are recovered, 0.5 if one is, 0 if none (each prediction recovers at most one label).
/// </summary>
public static class TwoLabelAccuracy
{
    public static double Score(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var left = predicted.ToList();
        int found = 0;
        foreach (int label in truth)
            if (left.Remove(label)) found++;
        return (double)found / truth.Count;
    }
}

namespace Centrifuge.Data;

/// <summary>
/// The blending weights of one mixture V = sum_i w_i V_i, summing to one. k = 2: (1-a, a) with a fixed or uniform in
/// a range (paper eq. 1). k > 2: equal weights when a is fixed; with a range, w_i ~ U[lo, hi] normalised to sum to one.
/// </summary>
public static class LayerWeights
{
    public static double[] Sample(DataConfig config, bool random, ref SplitMix64 rng)
    {
        int k = config.Layers;
        bool draw = random && config.AlphaRange is not null;
        if (k == 2)
        {
            double a = draw ? config.AlphaRange!.Value.Sample(ref rng) : config.Alpha;
            return [1 - a, a];
        }
        var w = new double[k];
        if (!draw) { Array.Fill(w, 1.0 / k); return w; }
        UniformRange range = config.AlphaRange!.Value;
        double sum = 0;
        for (int i = 0; i < k; i++) sum += w[i] = Math.Max(range.Sample(ref rng), 1e-6);
        for (int i = 0; i < k; i++) w[i] /= sum;
        return w;
    }
}

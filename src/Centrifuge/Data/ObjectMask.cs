namespace Centrifuge.Data;

/// <summary>The outline family of a foreground cut-out.</summary>
public enum MaskShapeKind { Ellipse, Polygon, Blob }

/// <summary>
/// A soft-edged, star-shaped cut-out in object coordinates q in [-1, 1]^2 (the object's own frame, before its path moves,
/// scales and rotates it): the outline is a radius R(angle) <= 1 around the centre, and the alpha ramps linearly from
/// 1 inside to 0 outside over <see cref="Softness"/> (in q units) across the outline.
/// Ellipse: <see cref="Radii"/> = [a, b], <see cref="Angles"/> = [orientation]. Polygon: vertex i at angle
/// Angles[i] (sorted, radians) and radius Radii[i], straight edges between. Blob: R = Radii[0] (1 + sum_k Radii[k]
/// cos(k·angle + Angles[k])), k >= 1, a smooth random outline.
/// </summary>
public sealed record MaskShape(MaskShapeKind Kind, double[] Radii, double[] Angles, double Softness)
{
    /// <summary>Alpha at object coordinates (x, y), in [0, 1].</summary>
    public double Alpha(double x, double y)
    {
        double rho = Math.Sqrt(x * x + y * y);
        double edge = Radius(Math.Atan2(y, x));
        return Math.Clamp((edge - rho) / Softness + 0.5, 0, 1);
    }

    /// <summary>The outline's distance from the centre at <paramref name="angle"/> (radians).</summary>
    public double Radius(double angle)
    {
        switch (Kind)
        {
            case MaskShapeKind.Ellipse:
            {
                double a = Radii[0], b = Radii[1], t = angle - Angles[0];
                double c = Math.Cos(t) / a, s = Math.Sin(t) / b;
                return 1 / Math.Sqrt(c * c + s * s);
            }
            case MaskShapeKind.Polygon:
            {
                int n = Angles.Length;
                double theta = Wrap(angle - Angles[0]) + Angles[0];
                int i = n - 1;
                for (int j = 0; j < n - 1; j++)
                    if (theta >= Angles[j] && theta < Angles[j + 1]) { i = j; break; }
                double p0 = Angles[i], r0 = Radii[i];
                double p1 = i + 1 < n ? Angles[i + 1] : Angles[0] + 2 * Math.PI, r1 = Radii[(i + 1) % n];
                // Polar equation of the straight line through (r0, p0) and (r1, p1).
                return r0 * r1 * Math.Sin(p1 - p0) / (r0 * Math.Sin(theta - p0) + r1 * Math.Sin(p1 - theta));
            }
            default:
            {
                double r = 1;
                for (int k = 1; k < Radii.Length; k++) r += Radii[k] * Math.Cos(k * angle + Angles[k]);
                return Radii[0] * r;
            }
        }
    }

    /// <summary>The mask sampled at the centres of a size x size grid over [-1, 1]^2 (row-major, y down).</summary>
    public float[] Render(int size)
    {
        var alpha = new float[size * size];
        for (int row = 0; row < size; row++)
        {
            double y = (2 * row + 1.0) / size - 1;
            for (int col = 0; col < size; col++)
                alpha[row * size + col] = (float)Alpha((2 * col + 1.0) / size - 1, y);
        }
        return alpha;
    }

    /// <summary>A random shape of a random family; its outline (soft edge included) stays inside the unit disk.</summary>
    public static MaskShape Sample(UniformRange softness, ref SplitMix64 rng)
    {
        double soft = softness.Sample(ref rng);
        double limit = 1 - soft / 2;   // the ramp's outer half must fit in q's square too
        switch ((MaskShapeKind)rng.NextInt(3))
        {
            case MaskShapeKind.Ellipse:
            {
                double a = limit * (0.6 + 0.4 * rng.NextDouble()), b = a * (0.45 + 0.55 * rng.NextDouble());
                return new MaskShape(MaskShapeKind.Ellipse, [a, b], [rng.NextDouble() * Math.PI], soft);
            }
            case MaskShapeKind.Polygon:
            {
                int n = rng.NextInt(3, 8);
                double start = rng.NextDouble() * 2 * Math.PI, step = 2 * Math.PI / n;
                var angles = new double[n];
                var radii = new double[n];
                for (int i = 0; i < n; i++)
                {
                    angles[i] = start + step * (i + 0.35 * (rng.NextDouble() - 0.5));
                    radii[i] = limit * (0.55 + 0.45 * rng.NextDouble());
                }
                return new MaskShape(MaskShapeKind.Polygon, radii, angles, soft);
            }
            default:
            {
                int harmonics = rng.NextInt(2, 5);
                var radii = new double[harmonics + 1];
                var angles = new double[harmonics + 1];
                double total = 0;
                for (int k = 1; k <= harmonics; k++)
                {
                    radii[k] = 0.25 * rng.NextDouble() / k;
                    angles[k] = rng.NextDouble() * 2 * Math.PI;
                    total += radii[k];
                }
                radii[0] = limit * (0.65 + 0.35 * rng.NextDouble()) / (1 + total);
                return new MaskShape(MaskShapeKind.Blob, radii, angles, soft);
            }
        }
    }

    private static double Wrap(double angle)
    {
        angle %= 2 * Math.PI;
        return angle < 0 ? angle + 2 * Math.PI : angle;
    }
}

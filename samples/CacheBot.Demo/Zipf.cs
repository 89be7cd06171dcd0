namespace CacheBot.Demo;

/// <summary>Draws ranks 1..n with probability proportional to 1/rank^s: a few hot keys, a long tail.</summary>
public sealed class Zipf
{
    private readonly double[] _cdf;

    public Zipf(int n, double exponent)
    {
        _cdf = new double[n];
        var sum = 0.0;
        for (var k = 1; k <= n; k++)
        {
            sum += 1.0 / Math.Pow(k, exponent);
            _cdf[k - 1] = sum;
        }

        for (var k = 0; k < n; k++)
        {
            _cdf[k] /= sum;
        }
    }

    /// <summary>Returns a rank between 1 and n.</summary>
    public int Next(Random rng)
    {
        var i = Array.BinarySearch(_cdf, rng.NextDouble());
        return Math.Min((i < 0 ? ~i : i) + 1, _cdf.Length);
    }
}

using System.Diagnostics;

namespace CacheBot.Demo;

/// <summary>Collects latencies (Stopwatch timestamps) and reports percentiles in microseconds.</summary>
public sealed class Latency
{
    private readonly List<long> _ticks = [];

    public int Count => _ticks.Count;

    public void Add(long startTimestamp, long endTimestamp) => _ticks.Add(endTimestamp - startTimestamp);

    public void AddAll(Latency other) => _ticks.AddRange(other._ticks);

    /// <summary>Gets the mean in microseconds, or NaN when empty.</summary>
    public double Mean => _ticks.Count == 0 ? double.NaN : _ticks.Average() * 1_000_000.0 / Stopwatch.Frequency;

    /// <summary>Gets the q-quantile (0..1) in microseconds, or NaN when empty.</summary>
    public double Percentile(double q)
    {
        if (_ticks.Count == 0)
        {
            return double.NaN;
        }

        _ticks.Sort();
        var index = (int)Math.Ceiling(q * _ticks.Count) - 1;
        return _ticks[Math.Clamp(index, 0, _ticks.Count - 1)] * 1_000_000.0 / Stopwatch.Frequency;
    }
}

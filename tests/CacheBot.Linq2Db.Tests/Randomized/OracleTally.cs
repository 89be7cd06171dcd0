using System.Globalization;
using System.Text;
using CacheBot.Linq;

namespace CacheBot.Linq2Db.Tests.Randomized;

/// <summary>
/// The exact invalidator the differential test compares CacheBot with: a repeated read (same shape, same parameters) whose
/// answer has not changed since the same read last ran is an oracle hit. A read that is an oracle hit but not a CacheBot
/// hit is a needless miss; it is attributed to the write (kind) that invalidated the read's cached entry, found by checking
/// every live entry's stamps after each committed write: those are the imprecise invalidations.
/// </summary>
/// <param name="isValid">Whether an entry's dependency stamps are all unchanged.</param>
public sealed class OracleTally(Func<CachedQueryResult, bool> isValid)
{
    private readonly Dictionary<string, (string Answer, int WriteCount)> _lastRun = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedQueryResult> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _invalidatedBy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _needlessMissesByCause = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _writesByKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _invalidatedByKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _liveByKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Reads, int OracleHits, int CacheHits)> _byShape = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byShapeCause = new(StringComparer.Ordinal);
    private int _writes;
    private int _reads;
    private int _oracleHits;
    private int _cacheHits;
    private int _needlessMisses;

    /// <summary>Records the entry CacheBot stored for a read (after a miss; call after <see cref="Read"/>).</summary>
    public void Stored(string identity, CachedQueryResult entry)
    {
        _entries[identity] = entry;
        _invalidatedBy.Remove(identity);
    }

    /// <summary>Records a committed write and which live entries it invalidated.</summary>
    public void Wrote(string kind)
    {
        _writes++;
        _writesByKind[kind] = _writesByKind.GetValueOrDefault(kind) + 1;
        long live = 0, invalidated = 0;
        foreach (var (identity, entry) in _entries)
        {
            if (!_invalidatedBy.ContainsKey(identity))
            {
                live++;
                if (!isValid(entry))
                {
                    invalidated++;
                    _invalidatedBy[identity] = kind;
                }
            }
        }

        _liveByKind[kind] = _liveByKind.GetValueOrDefault(kind) + live;
        _invalidatedByKind[kind] = _invalidatedByKind.GetValueOrDefault(kind) + invalidated;
    }

    /// <summary>Records a read: its identity, the database's answer, and whether CacheBot answered it from the cache.</summary>
    public void Read(string identity, string answer, bool cacheHit)
    {
        _reads++;
        _cacheHits += cacheHit ? 1 : 0;
        var shape = identity[..identity.IndexOf('|', StringComparison.Ordinal)];
        var perShape = _byShape.GetValueOrDefault(shape);
        var oracleHit = _lastRun.TryGetValue(identity, out var last) && last.Answer == answer;
        _byShape[shape] = (perShape.Reads + 1, perShape.OracleHits + (oracleHit ? 1 : 0), perShape.CacheHits + (cacheHit ? 1 : 0));
        if (oracleHit)
        {
            _oracleHits++;
            if (!cacheHit)
            {
                _needlessMisses++;
                var cause = _invalidatedBy.TryGetValue(identity, out var kind) ? kind
                    : _entries.ContainsKey(identity) ? "(entry dropped or expired)"
                    : "(not cached: refused or bypassed)";
                _needlessMissesByCause[cause] = _needlessMissesByCause.GetValueOrDefault(cause) + 1;
                _byShapeCause[shape + " <- " + cause] = _byShapeCause.GetValueOrDefault(shape + " <- " + cause) + 1;
            }
        }

        _lastRun[identity] = (answer, _writes);
    }

    public double CacheHitRatio => _reads == 0 ? 0 : (double)_cacheHits / _reads;

    public double OracleHitRatio => _reads == 0 ? 0 : (double)_oracleHits / _reads;

    public double Quotient => OracleHitRatio == 0 ? 0 : CacheHitRatio / OracleHitRatio;

    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  hit ratio over all reads: CacheBot {CacheHitRatio:P1}, exact invalidator (oracle) {OracleHitRatio:P1}, quotient {Quotient:P1}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  needless misses (oracle hit, CacheBot miss): {_needlessMisses}, by the write that invalidated the entry; per write kind: writes, share of live entries each write invalidated:");
        foreach (var (cause, count) in _needlessMissesByCause.OrderByDescending(p => p.Value))
        {
            var live = _liveByKind.GetValueOrDefault(cause);
            var share = live == 0 ? "-" : ((double)_invalidatedByKind.GetValueOrDefault(cause) / live).ToString("P1", CultureInfo.InvariantCulture);
            text.AppendLine(CultureInfo.InvariantCulture, $"    {count,6}  {cause}: {_writesByKind.GetValueOrDefault(cause)} writes, {share}");
        }

        text.AppendLine("  the largest needless-miss causes per read shape (shape <- write kind):");
        foreach (var (cause, count) in _byShapeCause.OrderByDescending(p => p.Value).Take(int.TryParse(Environment.GetEnvironmentVariable("CACHEBOT_DIFF_CAUSES"), out var n) ? n : 12))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {count,6}  shape {cause}");
        }

        text.AppendLine("  per read shape: reads, CacheBot hits, oracle hits:");
        foreach (var (shape, (reads, oracle, hits)) in _byShape.OrderBy(p => int.Parse(p.Key, CultureInfo.InvariantCulture)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    shape {shape,2}: {reads,5} reads, {hits,5} hits, {oracle,5} oracle hits");
        }

        return text.ToString();
    }
}

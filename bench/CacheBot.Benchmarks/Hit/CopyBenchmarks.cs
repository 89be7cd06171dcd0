using BenchmarkDotNet.Attributes;
using CacheBot.Benchmarks.Fixtures;
using CacheBot.Linq.Querying;

namespace CacheBot.Benchmarks.Hit;

/// <summary>
/// Copy on read in isolation: what a hit of the ~33-row list (and of one row) spends copying the stored rows so the caller may
/// change them. <see cref="Photo"/> is sealed, has scalar columns and one navigation (<c>User</c>) that is not loaded, so the
/// copy is one <c>MemberwiseClone</c> per row; the baseline is that clone written by hand into a list. Target (issue 10 §2):
/// at most 25 ns per row (divide the list figures by <see cref="Rows"/>).
/// </summary>
public class CopyBenchmarks
{
    /// <summary>The rows of the list hit in <see cref="HitBenchmarks"/> (about 33).</summary>
    public const int Rows = 33;

    private Photo[] _rows = null!;

    [GlobalSetup]
    public void Setup() => _rows = PhotoData.Photos(Rows).ToArray();

    [Benchmark(Baseline = true)]
    public List<Photo> List33_HandClone()
    {
        var list = new List<Photo>(_rows.Length);
        foreach (var row in _rows)
        {
            list.Add(row.Clone());
        }

        return list;
    }

    [Benchmark]
    public List<Photo> List33_ResultCopier() => ResultCopier.CopyList(_rows);

    [Benchmark]
    public Photo One_ResultCopier() => ResultCopier.Copy(_rows[0]);
}

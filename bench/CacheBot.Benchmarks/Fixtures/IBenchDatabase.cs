using CacheBot.Linq;
using LinqToDB;

namespace CacheBot.Benchmarks.Fixtures;

/// <summary>A seeded benchmark database (see <see cref="PhotoData"/>): SQLite in memory, or PostgreSQL on loopback.</summary>
public interface IBenchDatabase : IDisposable
{
    /// <summary>Gets options for plain linq2db (no CacheBot).</summary>
    DataOptions RawOptions { get; }

    /// <summary>Options for a connection whose queries and writes go through <paramref name="cache"/>.</summary>
    DataOptions CacheBotOptions(QueryCache cache);
}

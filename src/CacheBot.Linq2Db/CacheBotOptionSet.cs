using LinqToDB.Internal.Common;
using LinqToDB.Internal.Options;

namespace CacheBot.Linq2Db;

/// <summary>
/// CacheBot's settings stored in linq2db's <c>DataOptions</c> by <see cref="CacheBotDataOptionsExtensions.UseCacheBot"/>:
/// the cache and the identity of the database (provider and connection string). Part of linq2db's configuration id,
/// so it is value-based: two option sets with the same cache and database compare and hash alike.
/// </summary>
public sealed class CacheBotOptionSet : IOptionSet, IEquatable<CacheBotOptionSet>
{
    private static readonly CacheBotOptionSet Empty = new();

    /// <summary>Creates an empty option set (linq2db needs a parameterless constructor for its defaults).</summary>
    public CacheBotOptionSet()
    {
        DatabaseId = string.Empty;
    }

    internal CacheBotOptionSet(Linq.QueryCache cache, string databaseId)
    {
        Cache = cache;
        DatabaseId = databaseId;
        ReadGate = Transactions.DatabaseGate.For(databaseId);
        Functions = Writes.Sql.FunctionCatalog.For(databaseId);
    }

    /// <summary>Gets the cache queries and writes of this connection use; <see langword="null"/> in the empty set.</summary>
    public Linq.QueryCache? Cache { get; }

    /// <summary>Gets the logical database name: linq2db provider name plus a hash of the connection string.</summary>
    public string DatabaseId { get; }

    /// <summary>Gets the foreign-key cascades learnt from the database catalog (not part of equality).</summary>
    internal Writes.CascadeCatalog Cascades { get; } = new();

    /// <summary>Gets the database's read gate: closed while reads of the database must bypass the cache (not part of equality).</summary>
    internal Transactions.DatabaseGate ReadGate { get; } = new();

    /// <summary>Gets which functions of the database are provably read-only, learnt from its catalog (not part of equality).</summary>
    internal Writes.Sql.FunctionCatalog Functions { get; } = new();

    /// <inheritdoc/>
    public int ConfigurationID
    {
        get
        {
            using var builder = new IdentifierBuilder();
            return builder.Add(DatabaseId).Add(Cache is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Cache)).CreateID();
        }
    }

    /// <inheritdoc/>
    public IOptionSet Default => Empty;

    /// <inheritdoc/>
    public bool Equals(CacheBotOptionSet? other) =>
        other is not null && ReferenceEquals(Cache, other.Cache) && DatabaseId == other.DatabaseId;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CacheBotOptionSet);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(DatabaseId, Cache is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Cache));
}

using CacheBot.Linq.Providers;
using System.Diagnostics.Contracts;
using CacheBot.Linq;
using CacheBot.Linq2Db.Querying;
using CacheBot.Linq2Db.Transactions;
using CacheBot.Linq2Db.Writes;
using LinqToDB;

namespace CacheBot.Linq2Db;

/// <summary>Wires CacheBot into linq2db: <c>new DataOptions().UseSQLite(cs).UseCacheBot(cache)</c>.</summary>
/// <remarks>Documentation: README.md "Quick start", docs/architecture.md "linq2db".</remarks>
public static class CacheBotDataOptionsExtensions
{
    /// <summary>
    /// Makes every connection built from these options use <paramref name="cache"/>: queries wrapped with
    /// <c>AsCacheBot()</c> are cached, and every write through the connection (entity CRUD, LINQ DML, bulk copy, raw SQL)
    /// invalidates the results it could change, after its transaction commits.
    /// </summary>
    /// <param name="options">Options that already name a provider and a connection string or factory (call <c>UseSQLite</c>, <c>UsePostgreSQL</c>, ... first).</param>
    /// <param name="cache">The cache to use.</param>
    /// <param name="databaseName">
    /// The logical database name shared by every configuration that reaches the same database. By default it is derived
    /// from the provider and the connection string as the provider's own builder reads it (aliases, key case and spacing
    /// do not matter; passwords, timeouts and pooling are left out); set it when two configurations reach one database
    /// through different addresses, so their writes invalidate each other's entries. A private database (SQLite
    /// <c>:memory:</c>) stays private: each connection still gets an identity of its own (docs/invalidation.md).
    /// </param>
    /// <returns>New options; the input is not changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="cache"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The options name no provider, or no connection string or factory, or they name a connection or transaction the
    /// application owns (<c>UseConnection</c>/<c>UseTransaction</c>), which CacheBot cannot track. Options that add
    /// <c>UseConnection</c>/<c>UseTransaction</c> after <c>UseCacheBot</c> are refused at the first command or <c>AsCacheBot()</c>.
    /// </exception>
    [Pure]
    public static DataOptions UseCacheBot(this DataOptions options, QueryCache cache, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cache);
        var connection = options.ConnectionOptions;
        UserOwnedConnections.ThrowIfUserOwned(options, configuring: true);
        // Providers configured for auto-detection (UsePostgreSQL(cs) without a version) are resolved here, once: CacheBot
        // needs the provider to create the connections it wraps. Auto-detection may open one connection to read the version.
        var provider = connection.DataProvider
            ?? connection.DataProviderFactory?.Invoke(connection)
            ?? throw new InvalidOperationException(
                "UseCacheBot() needs the provider first: call UseSQLite(...), UsePostgreSQL(...) or UseConnectionString(provider, ...) before UseCacheBot(cache).");
        var connectionString = connection.ConnectionString;
        var factory = connection.ConnectionFactory;
        if (connectionString is null && factory is null)
        {
            throw new InvalidOperationException(
                "UseCacheBot() needs a connection string or a connection factory so it can track transactions; " +
                "an existing DbConnection or DbTransaction (UseConnection/UseTransaction) cannot be wrapped. Use UseConnectionString or UseConnectionFactory.");
        }

        DatabaseIdentityInfo identity;
        if (connectionString is null)
        {
            // A factory's identity is the factory; one connection it makes (not opened) tells whether its database is private.
            using var probe = factory!(options);
            var kind = DatabaseIdentity.Resolve(provider.Name, Transactions.ProviderConnections.DialectOf(provider.Name), probe, probe.ConnectionString).Kind;
            identity = new DatabaseIdentityInfo(provider.Name + ":factory:" + factory.GetHashCode(), kind, DependsOnDirectory: false);
        }
        else
        {
            // An unopened connection of the provider finds its connection-string builder (the provider's own aliases).
            using var probe = provider.CreateConnection(connectionString);
            identity = DatabaseIdentity.Resolve(provider.Name, Transactions.ProviderConnections.DialectOf(provider.Name), probe, connectionString);
        }

        if (databaseName is not null)
        {
            // The caller names the database; a private database stays private (each connection still gets its own identity).
            identity = identity with { Id = databaseName, DependsOnDirectory = false };
        }

        var set = new CacheBotOptionSet(
            cache, identity, provider.Name, () => factory is null ? provider.CreateConnection(connectionString!) : factory(options), connectionString);
        CacheBotExtensionsAdapter.Install();
        return options
            .UseConnectionFactory(provider, o =>
            {
                var inner = factory is null ? provider.CreateConnection(connectionString!) : factory(o);
                return new TrackingConnection(inner, set.ForConnection(inner));
            })
            .WithOptions(set)
            .UseInterceptor(CacheBotUnwrapInterceptor.Instance)
            .UseInterceptor(new CacheBotCommandInterceptor(set));
    }
}

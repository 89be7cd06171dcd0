using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Transactions;

/// <summary>
/// What CacheBot asks of the ADO.NET providers it knows, without referencing them: the SQL dialect of a connection,
/// SQLite's own transaction flag (<c>sqlite3_get_autocommit</c>), and dropping a connection from its pool
/// (<c>ClearPool(connection)</c>, which Microsoft.Data.Sqlite, Npgsql, SqlClient and MySqlConnector all have).
/// Members are found once per connection type by name and compiled; a provider without them gets <see langword="null"/>
/// (callers then fall back to sound defaults).
/// </summary>
internal static class ProviderConnections
{
    private static readonly ConcurrentDictionary<Type, Func<DbConnection, int>?> Autocommit = new();
    private static readonly ConcurrentDictionary<Type, Action<DbConnection>?> ClearPools = new();

    public static SqlDialect DialectOf(string providerName) =>
        providerName.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) ? SqlDialect.Sqlite
        : providerName.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) ? SqlDialect.PostgreSql
        : SqlDialect.Generic;

    public static SqlDialect DialectOf(DbConnection connection) => connection.GetType().FullName switch
    {
        "Microsoft.Data.Sqlite.SqliteConnection" or "System.Data.SQLite.SQLiteConnection" => SqlDialect.Sqlite,
        "Npgsql.NpgsqlConnection" => SqlDialect.PostgreSql,
        _ => SqlDialect.Generic,
    };

    /// <summary>Whether a SQLite connection is inside a transaction; null when unknown (not Microsoft.Data.Sqlite, or closed).</summary>
    public static bool? SqliteInTransaction(DbConnection connection)
    {
        var read = Autocommit.GetOrAdd(connection.GetType(), static type => CompileAutocommit(type));
        if (read is null)
        {
            return null;
        }

        var autocommit = read(connection);
        return autocommit < 0 ? null : autocommit == 0;
    }

    /// <summary>Drops <paramref name="connection"/> from its pool when it is returned (call before closing); false when the provider cannot.</summary>
    public static bool TryClearPool(DbConnection connection)
    {
        var clear = ClearPools.GetOrAdd(connection.GetType(), static type => CompileClearPool(type));
        if (clear is null)
        {
            return false;
        }

        clear(connection);
        return true;
    }

    /// <summary>
    /// Whether session state set on <paramref name="connection"/> can survive its close and reach another connection
    /// through the pool: Npgsql resets pooled sessions (<c>DISCARD ALL</c>) unless <c>No Reset On Close</c> is set;
    /// Microsoft.Data.Sqlite does not reset them (temporary tables, ATTACH and PRAGMAs stay); others are assumed to leak.
    /// </summary>
    public static bool SessionStateLeaksThroughPool(DbConnection connection)
    {
        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = connection.ConnectionString };
        }
        catch (ArgumentException)
        {
            return true;
        }

        if (IsFalse(builder, "Pooling"))
        {
            return false;
        }

        return DialectOf(connection) != SqlDialect.PostgreSql || IsTrue(builder, "No Reset On Close") || IsTrue(builder, "NoResetOnClose");
    }

    /// <summary>
    /// Whether <paramref name="connection"/> is a SQLite in-memory database, which lives only as long as some connection
    /// to it is open: dropping its pooled connections could destroy it.
    /// </summary>
    public static bool IsSqliteInMemory(DbConnection connection)
    {
        if (DialectOf(connection) != SqlDialect.Sqlite)
        {
            return false;
        }

        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = connection.ConnectionString };
        }
        catch (ArgumentException)
        {
            return true;
        }

        var source = builder.TryGetValue("Data Source", out var value) || builder.TryGetValue("DataSource", out value) || builder.TryGetValue("Filename", out value)
            ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty
            : string.Empty;
        return source.Length == 0 || source.Contains(":memory:", StringComparison.OrdinalIgnoreCase)
            || source.Contains("mode=memory", StringComparison.OrdinalIgnoreCase)
            || (builder.TryGetValue("Mode", out var mode) && string.Equals(Convert.ToString(mode, System.Globalization.CultureInfo.InvariantCulture), "Memory", StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsTrue(DbConnectionStringBuilder builder, string key) =>
        builder.TryGetValue(key, out var value) && string.Equals(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsFalse(DbConnectionStringBuilder builder, string key) =>
        builder.TryGetValue(key, out var value) && string.Equals(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), "false", StringComparison.OrdinalIgnoreCase);

    private static Func<DbConnection, int>? CompileAutocommit(Type connectionType)
    {
        var handle = connectionType.GetProperty("Handle", BindingFlags.Public | BindingFlags.Instance);
        var raw = Type.GetType("SQLitePCL.raw, SQLitePCLRaw.core", throwOnError: false);
        var method = handle is null ? null : raw?.GetMethod("sqlite3_get_autocommit", BindingFlags.Public | BindingFlags.Static, [handle.PropertyType]);
        if (method is null || method.ReturnType != typeof(int) || handle!.PropertyType.IsValueType)
        {
            return null;
        }

        var connection = Expression.Parameter(typeof(DbConnection), "connection");
        var value = Expression.Variable(handle.PropertyType, "handle");
        var body = Expression.Block(
            [value],
            Expression.Assign(value, Expression.Property(Expression.Convert(connection, connectionType), handle)),
            Expression.Condition(Expression.Equal(value, Expression.Constant(null, handle.PropertyType)), Expression.Constant(-1), Expression.Call(method, value)));
        return Expression.Lambda<Func<DbConnection, int>>(body, connection).Compile();
    }

    private static Action<DbConnection>? CompileClearPool(Type connectionType)
    {
        var method = connectionType.GetMethod("ClearPool", BindingFlags.Public | BindingFlags.Static, [connectionType]);
        if (method is null)
        {
            return null;
        }

        var connection = Expression.Parameter(typeof(DbConnection), "connection");
        return Expression.Lambda<Action<DbConnection>>(Expression.Call(method, Expression.Convert(connection, connectionType)), connection).Compile();
    }
}

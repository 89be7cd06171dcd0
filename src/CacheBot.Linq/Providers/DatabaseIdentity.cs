using System.Data.Common;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CacheBot.Linq.Providers;

/// <summary>
/// The logical database a connection reaches: the ORM's provider name and a hash of the connection string,
/// normalised with the provider's own connection-string builder, so every alias the provider accepts (<c>DB=</c>,
/// <c>userid</c>, <c>Server</c>/<c>Host</c>, key case and spacing) maps to its canonical key. Settings that do not change
/// which data a connection sees (password, timeouts, pooling, TLS, buffers) are left out, so two configurations of one
/// database share entries and invalidations; every other setting stays in (a finer identity, never a coarser one). The
/// string itself is never stored (it may hold a password).
/// </summary>
/// <remarks>
/// <para>SQLite: a file is identified by its full path (relative paths are resolved against the working directory when
/// the identity is made, <c>|DataDirectory|</c> is substituted, <c>Filename=</c>, <c>Data Source=</c> and <c>file:</c> URIs
/// are one key); a private in-memory or temporary database (<c>:memory:</c>, an empty data source, <c>Mode=Memory</c>
/// without <c>Cache=Shared</c>, <c>file:x?mode=memory</c>) is <see cref="DatabaseKind.PerConnection"/>: every connection is
/// its own database; a shared-cache memory database is shared by the connections of this process only (the identity holds
/// a per-process nonce).</para>
/// <para>PostgreSQL: host, port, database (defaulting to the user name, as the server does), user (defaulting to
/// <c>PGUSER</c> or the OS user), <c>Search Path</c>, <c>Options</c> (which may set <c>search_path</c>) and the time zone;
/// several hosts are <see cref="DatabaseKind.Uncacheable"/> unless <c>Target Session Attributes</c> is <c>primary</c> or
/// <c>read-write</c> (a standby may serve data older than a write CacheBot already invalidated).</para>
/// </remarks>
public static class DatabaseIdentity
{
    private static readonly string ProcessNonce = Guid.NewGuid().ToString("N");

    // Canonical keys (as the providers' builders spell them, compared case-insensitively) that never change the data a
    // connection reaches. Anything not listed here is part of the identity.
    private static readonly HashSet<string> IgnoredKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Password", "Pwd", "Passfile", "Persist Security Info", "Timeout", "Connect Timeout", "Connection Timeout", "Command Timeout",
        "Default Timeout", "Internal Command Timeout", "Cancellation Timeout", "Pooling", "Min Pool Size", "Max Pool Size",
        "Connection Idle Lifetime", "Connection Pruning Interval", "Connection Lifetime", "Load Balance Timeout", "Keepalive",
        "Tcp Keepalive", "Tcp Keepalive Time", "Tcp Keepalive Interval", "Application Name", "Enlist", "SSL Mode", "Trust Server Certificate",
        "SSL Certificate", "SSL Key", "SSL Password", "Root Certificate", "Check Certificate Revocation", "SSL Negotiation", "Channel Binding",
        "GSS Encryption Mode", "Require Auth", "Kerberos Service Name", "Include Realm", "Include Error Detail", "Include Failed Batched Command",
        "Log Parameters", "Read Buffer Size", "Write Buffer Size", "Socket Receive Buffer Size", "Socket Send Buffer Size", "Max Auto Prepare",
        "Auto Prepare Min Usages", "No Reset On Close", "Host Recheck Seconds", "Foreign Keys", "Recursive Triggers", "Encrypt",
        "TrustServerCertificate", "Integrated Security",
    };

    /// <summary>Resolves the identity of the connections <paramref name="connection"/> describes.</summary>
    /// <param name="providerName">The ORM's provider name (the prefix of the identity).</param>
    /// <param name="dialect">The database's dialect: SQLite and PostgreSQL get their own rules; any other is keyed by every setting.</param>
    /// <param name="connection">A connection of the provider (need not be open): its type finds the provider's own connection-string builder.</param>
    /// <param name="connectionString">The connection string, or <see langword="null"/> for a connection factory.</param>
    /// <returns>The identity, and whether the connections share one database.</returns>
    public static DatabaseIdentityInfo Resolve(string providerName, Sql.SqlDialect dialect, DbConnection? connection, string? connectionString)
    {
        ArgumentNullException.ThrowIfNull(providerName);
        if (connectionString is null)
        {
            return new DatabaseIdentityInfo(providerName + ":factory", DatabaseKind.Shared, DependsOnDirectory: false);
        }

        var builder = CreateBuilder(connection);
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // The provider itself would refuse this string; keep it whole (never coarser).
            return Hash(providerName, connectionString, DatabaseKind.Shared, dependsOnDirectory: false);
        }

        var defaults = CreateBuilder(connection);
        if (dialect == Sql.SqlDialect.Sqlite)
        {
            return Sqlite(providerName, builder, defaults);
        }

        if (dialect == Sql.SqlDialect.PostgreSql)
        {
            return Postgres(providerName, builder, defaults);
        }

        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        AddRemainingKeys(builder, defaults, parts, handled: null);
        return Hash(providerName, Join(parts), DatabaseKind.Shared, dependsOnDirectory: false);
    }

    private static DbConnectionStringBuilder CreateBuilder(DbConnection? connection)
    {
        try
        {
            if (connection is not null && DbProviderFactories.GetFactory(connection)?.CreateConnectionStringBuilder() is { } builder)
            {
                return builder;
            }
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or InvalidOperationException)
        {
            // No factory for this connection type: the generic builder still parses, without alias knowledge.
        }

        return new DbConnectionStringBuilder();
    }

    private static DatabaseIdentityInfo Sqlite(string providerName, DbConnectionStringBuilder builder, DbConnectionStringBuilder defaults)
    {
        var handled = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Data Source", "DataSource", "Filename", "FullUri", "Uri", "Mode", "Cache" };
        var source = (Get(builder, "FullUri") ?? Get(builder, "Uri") ?? Get(builder, "Data Source") ?? Get(builder, "DataSource") ?? Get(builder, "Filename") ?? string.Empty).Trim();
        var mode = Get(builder, "Mode") ?? string.Empty;
        var cache = Get(builder, "Cache") ?? string.Empty;
        var vfs = string.Empty;
        var uriMode = string.Empty;
        var uriCache = string.Empty;
        if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            (source, uriMode, uriCache, vfs) = ParseSqliteUri(source);
        }

        source = source.Replace("|DataDirectory|", DataDirectory(), StringComparison.OrdinalIgnoreCase);
        var memory = source is ":memory:" || mode.Equals("Memory", StringComparison.OrdinalIgnoreCase) || uriMode.Equals("memory", StringComparison.OrdinalIgnoreCase);
        var shared = cache.Equals("Shared", StringComparison.OrdinalIgnoreCase) || uriCache.Equals("shared", StringComparison.OrdinalIgnoreCase);
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        AddRemainingKeys(builder, defaults, parts, handled);
        if (vfs.Length > 0)
        {
            parts["vfs"] = vfs;
        }

        if (source.Length == 0)
        {
            // An empty name opens a private temporary database: every connection has its own.
            return Hash(providerName, "temp;" + Join(parts), DatabaseKind.PerConnection, dependsOnDirectory: false);
        }

        if (memory)
        {
            parts["memory"] = source;
            if (!shared)
            {
                return Hash(providerName, Join(parts), DatabaseKind.PerConnection, dependsOnDirectory: false);
            }

            // A shared-cache memory database lives in this process only: another process's database of that name is another database.
            parts["process"] = ProcessNonce;
            return Hash(providerName, Join(parts), DatabaseKind.Shared, dependsOnDirectory: false);
        }

        var relative = !Path.IsPathRooted(source);
        string full;
        try
        {
            full = Path.GetFullPath(source);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            full = source; // SQLite will reject it too; keep it whole.
        }

        parts["file"] = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? full.ToUpperInvariant() : full;
        return Hash(providerName, Join(parts), DatabaseKind.Shared, relative);
    }

    private static (string Path, string Mode, string Cache, string Vfs) ParseSqliteUri(string uri)
    {
        var rest = uri[5..];
        var query = string.Empty;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            // file://authority/path: the authority is empty or "localhost".
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }

        string mode = string.Empty, cache = string.Empty, vfs = string.Empty;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToUpperInvariant())
            {
                case "MODE":
                    mode = value;
                    break;
                case "CACHE":
                    cache = value;
                    break;
                case "VFS":
                    vfs = value;
                    break;
            }
        }

        return (Uri.UnescapeDataString(rest), mode, cache, vfs);
    }

    private static string DataDirectory() =>
        AppDomain.CurrentDomain.GetData("DataDirectory") as string is { Length: > 0 } directory ? directory : AppContext.BaseDirectory;

    private static DatabaseIdentityInfo Postgres(string providerName, DbConnectionStringBuilder builder, DbConnectionStringBuilder defaults)
    {
        var handled = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Host", "Port", "Database", "Username", "Search Path", "Options", "Timezone", "Target Session Attributes", "Load Balance Hosts",
        };
        var parts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        AddRemainingKeys(builder, defaults, parts, handled);
        var hosts = (Get(builder, "Host") ?? Environment.GetEnvironmentVariable("PGHOST") ?? "localhost").ToLowerInvariant();
        var port = Get(builder, "Port") ?? Environment.GetEnvironmentVariable("PGPORT") ?? "5432";
        var user = Get(builder, "Username") ?? Environment.GetEnvironmentVariable("PGUSER") ?? Environment.UserName;
        var database = Get(builder, "Database") ?? Environment.GetEnvironmentVariable("PGDATABASE") ?? user;
        parts["host"] = string.Join(",", Array.ConvertAll(hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), h => h.Contains(':', StringComparison.Ordinal) ? h : h + ":" + port));
        parts["database"] = database;
        parts["user"] = user;
        parts["searchpath"] = NormalizeSearchPath(Get(builder, "Search Path") ?? string.Empty);
        parts["options"] = (Get(builder, "Options") ?? Environment.GetEnvironmentVariable("PGOPTIONS") ?? string.Empty).Trim();
        parts["timezone"] = (Get(builder, "Timezone") ?? Environment.GetEnvironmentVariable("PGTZ") ?? string.Empty).Trim();
        var target = (Get(builder, "Target Session Attributes") ?? Environment.GetEnvironmentVariable("PGTARGETSESSIONATTRS") ?? "any").Trim().ToLowerInvariant();
        var kind = parts["host"].Contains(',', StringComparison.Ordinal) && target is not ("primary" or "read-write")
            ? DatabaseKind.Uncacheable
            : DatabaseKind.Shared;
        return Hash(providerName, Join(parts), kind, dependsOnDirectory: false);
    }

    /// <summary>Unquoted names fold to lower case, as PostgreSQL reads <c>search_path</c>; quoted ones are kept.</summary>
    private static string NormalizeSearchPath(string path)
    {
        var names = path.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = names[i].StartsWith('"') ? names[i] : names[i].ToLowerInvariant();
        }

        return string.Join(",", names);
    }

    private static void AddRemainingKeys(DbConnectionStringBuilder builder, DbConnectionStringBuilder defaults, SortedDictionary<string, string> parts, HashSet<string>? handled)
    {
        foreach (string key in builder.Keys)
        {
            if (IgnoredKeys.Contains(key) || (handled?.Contains(key) ?? false) || !builder.ShouldSerialize(key))
            {
                continue;
            }

            var value = Convert.ToString(builder[key], CultureInfo.InvariantCulture) ?? string.Empty;
            var standard = defaults.TryGetValue(key, out var d) ? Convert.ToString(d, CultureInfo.InvariantCulture) ?? string.Empty : null;
            if (standard is not null && string.Equals(value, standard, StringComparison.Ordinal))
            {
                continue; // spelled out but equal to the provider's default
            }

            parts[key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant()] = value.Trim();
        }
    }

    private static string? Get(DbConnectionStringBuilder builder, string key)
    {
        if (!builder.ShouldSerialize(key) || !builder.TryGetValue(key, out var value))
        {
            return null;
        }

        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static string Join(SortedDictionary<string, string> parts)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in parts)
        {
            text.Append(key).Append('=').Append(value.Length).Append(':').Append(value).Append(';');
        }

        return text.ToString();
    }

    private static DatabaseIdentityInfo Hash(string providerName, string canonical, DatabaseKind kind, bool dependsOnDirectory)
    {
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(canonical));
        return new DatabaseIdentityInfo(providerName + ":" + hash.ToString("x16", CultureInfo.InvariantCulture), kind, dependsOnDirectory);
    }
}

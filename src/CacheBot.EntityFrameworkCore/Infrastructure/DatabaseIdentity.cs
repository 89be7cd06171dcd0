using System.Data.Common;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CacheBot.EntityFrameworkCore.Infrastructure;

/// <summary>
/// The logical database name CacheBot uses for EF Core contexts: the EF provider name and a hash of the
/// connection string's identity keys (server, port, database or file, user, search path). Settings that do not change
/// which data a connection sees (timeouts, pooling) are left out, so two connection strings for one database share
/// entries and invalidations; the string itself is never stored (it may hold a password).
/// </summary>
internal static class DatabaseIdentity
{
    private static readonly HashSet<string> IdentityKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "data source", "datasource", "server", "host", "hostname", "address", "addr", "network address", "port", "database", "initial catalog",
        "filename", "mode", "cache", "user id", "uid", "user", "username", "user name", "search path", "searchpath", "dbname",
    };

    public static string Create(string providerName, string? connectionString)
    {
        var canonical = Canonical(connectionString ?? string.Empty);
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(canonical));
        return providerName + ":" + hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static string Canonical(string connectionString)
    {
        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return connectionString;
        }

        var parts = new List<string>();
        foreach (string key in builder.Keys)
        {
            if (IdentityKeys.Contains(key))
            {
                var value = Convert.ToString(builder[key], CultureInfo.InvariantCulture) ?? string.Empty;
                parts.Add(key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant() + "=" + value.Trim());
            }
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(";", parts);
    }
}

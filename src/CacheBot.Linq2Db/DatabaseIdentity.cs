using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CacheBot.Linq2Db;

/// <summary>
/// The logical database name CacheBot uses for linq2db connections: the linq2db provider name and a hash of the
/// connection string (never the string itself: it may hold a password). Two connection strings never share entries.
/// </summary>
internal static class DatabaseIdentity
{
    public static string Create(string providerName, string? connectionString)
    {
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(connectionString ?? string.Empty));
        return providerName + ":" + hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}

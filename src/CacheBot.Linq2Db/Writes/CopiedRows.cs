using System.Data.Common;
using System.Globalization;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// The rows a PostgreSQL binary COPY outside a transaction wrote, read back after it committed on a connection of
/// CacheBot's own: every row of the table whose <c>xmin</c> (the transaction that wrote the row version) lies between
/// the next transaction id before the copy started and the next one after it committed. The copy's own transaction is in
/// that range, so every row it wrote is found; rows other transactions wrote in the same window are found too, which only
/// invalidates more.
/// </summary>
/// <remarks>
/// <para>Not attempted (the caller keeps an insert of unknown rows): a table larger than <see cref="MaxTableBytes"/> (the
/// scan reads the whole table), more than <see cref="RowImageReader.MaxRows"/> rows in the range, a range that crosses the
/// 32-bit wraparound of <c>xmin</c>, a server without <c>pg_current_snapshot()</c> (PostgreSQL 13+), and any error.</para>
/// <para>A row the copy wrote that another transaction updated or deleted before the scan is not found: that transaction's
/// own write reports the row's change, and no reader used the cache between the commit and the scan (the database's read
/// gate is closed for the copy's whole duration).</para>
/// </remarks>
internal static class CopiedRows
{
    /// <summary>Tables above this size are not scanned: the copy stays an insert of unknown rows.</summary>
    public const long MaxTableBytes = 64L * 1024 * 1024;

    private const string NextTransactionSql = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text";

    /// <summary>The next transaction id to be assigned (64-bit, epoch included), or null when it cannot be read.</summary>
    public static ulong? NextTransactionId(Func<DbConnection> open)
    {
        try
        {
            using var connection = open();
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = NextTransactionSql;
            return ulong.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or FormatException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>
    /// The images of the rows written to <paramref name="table"/> by transactions that started at or after
    /// <paramref name="before"/> and are now committed, or null when they cannot be read (see the remarks).
    /// </summary>
    public static List<RowValues>? Read(Func<DbConnection> open, SqlTableName table, ulong before)
    {
        var name = (table.Schema is null ? string.Empty : Quote(table.Schema) + ".") + Quote(table.Name);
        try
        {
            using var connection = open();
            connection.Open();
            using var probe = connection.CreateCommand();
            probe.CommandText = NextTransactionSql + ", pg_relation_size(to_regclass(@name))";
            var parameter = probe.CreateParameter();
            parameter.ParameterName = "name";
            parameter.Value = name;
            probe.Parameters.Add(parameter);
            using (var reader = probe.ExecuteReader())
            {
                if (!reader.Read() || reader.IsDBNull(1) || reader.GetInt64(1) > MaxTableBytes)
                {
                    return null;
                }

                var after = ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
                if (after <= before || before >> 32 != (after - 1) >> 32)
                {
                    return null; // an empty range (nothing committed), or one across the wraparound of 32-bit ids
                }

                reader.Close();
                using var scan = connection.CreateCommand();
                scan.CommandText = string.Create(
                    CultureInfo.InvariantCulture,
                    $"SELECT * FROM {name} WHERE xmin::text::bigint >= {before & uint.MaxValue} AND xmin::text::bigint < {after & uint.MaxValue} LIMIT {RowImageReader.MaxRows + 1}");
                var (rows, _) = SyncPath.Result(RowImageReader.ExecuteAndReadAllAsync(scan, async: false, CancellationToken.None));
                return rows;
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or FormatException or InvalidCastException)
        {
            return null;
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

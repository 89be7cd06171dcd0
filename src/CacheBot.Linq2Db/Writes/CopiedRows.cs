using System.Data.Common;
using System.Globalization;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using CacheBot.Linq2Db.Schema;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// The rows a PostgreSQL binary COPY outside a transaction wrote, read back after it committed on a connection of
/// CacheBot's own: every row of the table whose current version's <c>xmin</c> (the transaction that wrote it) is at or
/// after the next transaction id read before the copy started. The copy's own transactions are, and so is any that
/// changed a copied row since, so every row the copy wrote and that still exists is found; rows other transactions wrote
/// since are found too, which only invalidates more.
/// </summary>
/// <remarks>
/// <para>Not attempted (the caller keeps an insert of unknown rows): a table larger than <see cref="MaxTableBytes"/> (the
/// scan reads the whole table), more than <see cref="RowImageReader.MaxRows"/> rows in the range, a range that crosses the
/// 32-bit wraparound of <c>xmin</c>, a server without <c>pg_current_snapshot()</c> (PostgreSQL 13+), and any error.</para>
/// <para>A row the copy wrote that another transaction deleted before the scan is not found: that transaction's own write
/// reports the delete, and no reader of this process used the cache between the commit and the scan (the database's
/// read gate is closed for the copy's whole duration).</para>
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
            return NextTransactionId(Session(connection));
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or FormatException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>
    /// The images of the rows of <paramref name="table"/> whose current version was written by a transaction that started
    /// at or after <paramref name="before"/> and is now committed, or null when they cannot be read (see the remarks).
    /// </summary>
    public static List<RowValues>? Read(Func<DbConnection> open, SqlTableName table, ulong before)
    {
        var name = (table.Schema is null ? string.Empty : Quote(table.Schema) + ".") + Quote(table.Name);
        try
        {
            using var connection = open();
            connection.Open();
            var session = Session(connection);
            if (SyncPath.Result(session.QueryAsync("SELECT pg_relation_size(to_regclass(@name))", ("name", name))) is not [[long bytes]]
                || bytes > MaxTableBytes)
            {
                return null;
            }

            // No upper bound: a copied row that another transaction updated since has a later xmin, and must be found too.
            using var scan = connection.CreateCommand();
            scan.CommandText = string.Create(
                CultureInfo.InvariantCulture, $"SELECT * FROM {name} WHERE xmin::text::bigint >= {before & uint.MaxValue} LIMIT {RowImageReader.MaxRows + 1}");
            var (rows, _) = SyncPath.Result(RowImageReader.ExecuteAndReadAllAsync(scan, async: false, CancellationToken.None));

            // Every version the scan saw was written before the next id read now: all in the 32-bit epoch of the first id,
            // or the comparison above may have missed some (after a wraparound the ids start again from a small number).
            var after = NextTransactionId(session);
            return after > before && before >> 32 == (after - 1) >> 32 ? rows : null;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or FormatException or InvalidCastException)
        {
            return null;
        }
    }

    private static CatalogSession Session(DbConnection connection) => new(connection, null, async: false, CancellationToken.None);

    private static ulong NextTransactionId(CatalogSession session) =>
        ulong.Parse((string)SyncPath.Result(session.QueryAsync(NextTransactionSql))[0][0]!, CultureInfo.InvariantCulture);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

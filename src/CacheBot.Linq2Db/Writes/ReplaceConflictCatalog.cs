using System.Collections.Concurrent;
using System.Data.Common;
using CacheBot.Linq2Db.Writes.Sql;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// SQLite tables whose PRIMARY KEY or UNIQUE constraints are declared <c>ON CONFLICT REPLACE</c>: a plain INSERT or
/// UPDATE on them silently deletes the rows it conflicts with (and runs their foreign-key actions), which neither image
/// reports, so writes to them are table writes. Read once per table from <c>sqlite_master</c> (tokenized, so comments
/// and strings cannot fool it) and remembered per database until a schema change; a table it cannot read counts as one.
/// </summary>
internal sealed class ReplaceConflictCatalog
{
    private static readonly ConcurrentDictionary<string, ReplaceConflictCatalog> Catalogs = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, bool> _tables = new(StringComparer.OrdinalIgnoreCase);

    public static ReplaceConflictCatalog For(string databaseId) => Catalogs.GetOrAdd(databaseId, static _ => new ReplaceConflictCatalog());

    public void Clear() => _tables.Clear();

    public async ValueTask<bool> ReplacesOnConflictAsync(DbCommand command, string table, bool async, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue(table, out var known))
        {
            return known;
        }

        var replaces = true;
        var query = RowImageReader.CreateSibling(
            command,
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = @cachebot_table COLLATE NOCASE " +
            "UNION ALL SELECT sql FROM sqlite_temp_master WHERE type = 'table' AND name = @cachebot_table COLLATE NOCASE",
            copyParameters: false);
        try
        {
            var parameter = query.CreateParameter();
            parameter.ParameterName = "@cachebot_table";
            parameter.Value = table;
            query.Parameters.Add(parameter);
            var reader = async ? await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : query.ExecuteReader();
            try
            {
                var found = false;
                var any = false;
                while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
                {
                    found = true;
                    any |= reader.IsDBNull(0) || DeclaresReplace(reader.GetString(0));
                }

                replaces = !found || any;
            }
            finally
            {
                await RowImageReader.DisposeAsync(reader, async).ConfigureAwait(false);
            }
        }
        catch (DbException)
        {
            return true;
        }
        finally
        {
            await RowImageReader.DisposeAsync(query, async).ConfigureAwait(false);
        }

        _tables[table] = replaces;
        return replaces;
    }

    private static bool DeclaresReplace(string createTable)
    {
        var sql = SqlTokenizer.Tokenize(createTable, SqlDialect.Sqlite);
        for (var i = 0; i + 1 < sql.Count; i++)
        {
            if (sql.IsWord(i, "CONFLICT") && sql.IsWord(i + 1, "REPLACE"))
            {
                return true;
            }
        }

        return sql.Ambiguous;
    }
}

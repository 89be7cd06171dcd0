using System.Collections.Concurrent;
using System.Data.Common;

namespace CacheBot.Linq2Db.Writes;

/// <summary>
/// The tables whose rows a write to another table can change through foreign-key actions (<c>ON DELETE CASCADE</c>,
/// <c>SET NULL</c>, <c>SET DEFAULT</c>, and the same on update), read once per table from the database catalog
/// (SQLite <c>PRAGMA foreign_key_list</c>, PostgreSQL <c>pg_constraint</c>) on the writing connection and remembered;
/// DDL clears what was learnt. A write to a parent table then also invalidates these child tables.
/// </summary>
internal sealed class CascadeCatalog
{
    private readonly ConcurrentDictionary<string, string[]> _children = new(StringComparer.OrdinalIgnoreCase);

    public void Clear() => _children.Clear();

    public async ValueTask<string[]> ChildrenOfAsync(DbCommand command, string table, string provider, bool async, CancellationToken cancellationToken)
    {
        if (_children.TryGetValue(table, out var known))
        {
            return known;
        }

        string[] children;
        if (provider.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase))
        {
            children = await SqliteChildrenAsync(command, table, async, cancellationToken).ConfigureAwait(false);
        }
        else if (provider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            children = await QueryAsync(
                command,
                "SELECT c.conrelid::regclass::text FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = to_regclass(@cachebot_parent) " +
                "AND (c.confdeltype IN ('c', 'n', 'd') OR c.confupdtype IN ('c', 'n', 'd'))",
                "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
                async,
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            children = [];
        }

        _children[table] = children;
        return children;
    }

    private static async ValueTask<string[]> SqliteChildrenAsync(DbCommand command, string table, bool async, CancellationToken cancellationToken)
    {
        var tables = await QueryAsync(command, "SELECT name FROM sqlite_master WHERE type = 'table'", null, async, cancellationToken).ConfigureAwait(false);
        var children = new List<string>();
        foreach (var child in tables)
        {
            var sql = "SELECT \"table\" FROM pragma_foreign_key_list(@cachebot_parent) WHERE \"table\" = '" + table.Replace("'", "''", StringComparison.Ordinal) +
                "' COLLATE NOCASE AND (on_delete IN ('CASCADE', 'SET NULL', 'SET DEFAULT') OR on_update IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))";
            if ((await QueryAsync(command, sql, child, async, cancellationToken).ConfigureAwait(false)).Length > 0)
            {
                children.Add(child);
            }
        }

        return [.. children];
    }

    private static async ValueTask<string[]> QueryAsync(DbCommand command, string sql, string? parameter, bool async, CancellationToken cancellationToken)
    {
        var query = command.Connection!.CreateCommand();
        try
        {
            query.Transaction = command.Transaction;
            query.CommandText = sql;
            if (parameter is not null)
            {
                var p = query.CreateParameter();
                p.ParameterName = "cachebot_parent";
                p.Value = parameter;
                query.Parameters.Add(p);
            }

            var reader = async ? await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : query.ExecuteReader();
            try
            {
                var names = new List<string>();
                while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
                {
                    // regclass text may be schema-qualified and quoted (schema."Photo"): keep the bare table name.
                    var name = reader.GetString(0);
                    names.Add(name[(name.LastIndexOf('.') + 1)..].Trim('"'));
                }

                return [.. names];
            }
            finally
            {
                await RowImageReader.DisposeAsync(reader, async).ConfigureAwait(false);
            }
        }
        finally
        {
            await RowImageReader.DisposeAsync(query, async).ConfigureAwait(false);
        }
    }
}

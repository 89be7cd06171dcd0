using System.Data;
using System.Data.Common;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CacheBot.EntityFrameworkCore.Model;

/// <summary>
/// Reads <see cref="StoreFacts"/> from the catalog of SQLite (<c>sqlite_master</c>: views, triggers, and the column collations
/// of each <c>CREATE TABLE</c>) and PostgreSQL (<c>pg_class</c> views and materialized views, user triggers in
/// <c>pg_trigger</c>, rules in <c>pg_rewrite</c>, and the string columns that do not compare ordinally: <c>citext</c>,
/// <c>character(n)</c>, domains, non-deterministic collations), in the schemas the connection's search path sees and those
/// the model names; and the foreign keys with actions (SQLite <c>pragma_foreign_key_list</c> per table, PostgreSQL
/// <c>pg_constraint</c>).
/// </summary>
/// <remarks>
/// Runs a few small queries (on SQLite one more per table, for its foreign keys) on the context's own connection and
/// transaction, once per database (opening and closing the
/// connection when it is closed). Any other provider gives <see cref="StoreFacts.Unreadable"/>.
/// </remarks>
internal static class StoreCatalog
{
    private const string SqliteMaster =
        "SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE type IN ('table', 'view', 'trigger') " +
        "UNION ALL SELECT type, name, tbl_name, sql FROM temp.sqlite_master WHERE type IN ('table', 'view', 'trigger')";

    private const string VisibleSchema = "(n.nspname = ANY (pg_catalog.current_schemas(false)) OR n.nspname = ANY (@schemas))";

    private const string PostgresViews =
        "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE c.relkind IN ('v', 'm') AND " + VisibleSchema;

    private const string PostgresTriggered =
        "SELECT c.relname FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND " + VisibleSchema +
        " UNION SELECT c.relname FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND " + VisibleSchema;

    private const string SqliteForeignKeys = "SELECT \"table\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(@table)";

    private const string PostgresForeignKeys =
        "SELECT cc.relname, pc.relname, con.confdeltype::text, con.confupdtype::text, " +
        "ARRAY(SELECT a.attname::text FROM unnest(con.confkey) k JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k) " +
        "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class cc ON cc.oid = con.conrelid " +
        "JOIN pg_catalog.pg_class pc ON pc.oid = con.confrelid JOIN pg_catalog.pg_namespace n ON n.oid = cc.relnamespace " +
        "WHERE con.contype = 'f' AND (con.confdeltype IN ('c', 'n', 'd') OR con.confupdtype IN ('c', 'n', 'd')) AND " + VisibleSchema;

    private const string PostgresColumns =
        "SELECT c.relname, a.attname, t.typname, CASE WHEN t.typtype = 'd' OR NOT COALESCE(co.collisdeterministic, true) THEN 1 ELSE 0 END " +
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_type t ON t.oid = a.atttypid " +
        "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation " +
        "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + VisibleSchema +
        " AND (t.typname IN ('citext', 'bpchar') OR t.typtype = 'd' OR NOT COALESCE(co.collisdeterministic, true))";

    /// <summary>Reads the facts of the database <paramref name="context"/> is connected to.</summary>
    public static StoreFacts Read(DbContext context, StoreKind store, IReadOnlyCollection<string> modelSchemas)
    {
        if (store is not (StoreKind.Sqlite or StoreKind.PostgreSql))
        {
            return StoreFacts.Unreadable;
        }

        var connection = context.Database.GetDbConnection();
        var transaction = context.Database.CurrentTransaction?.GetDbTransaction();
        var opened = false;
        if (connection.State == ConnectionState.Closed)
        {
            connection.Open();
            opened = true;
        }
        else if (connection.State != ConnectionState.Open)
        {
            throw new InvalidOperationException("The connection is busy; the catalog is read on a later use.");
        }

        try
        {
            return store == StoreKind.Sqlite ? ReadSqlite(connection, transaction) : ReadPostgres(connection, transaction, modelSchemas);
        }
        finally
        {
            if (opened)
            {
                connection.Close();
            }
        }
    }

    private static StoreFacts ReadSqlite(DbConnection connection, DbTransaction? transaction)
    {
        var views = new List<string>();
        var triggered = new List<string>();
        var columns = new Dictionary<string, StringMatching>(StringComparer.OrdinalIgnoreCase);
        var tables = new List<string>();
        var replacing = new List<string>();
        foreach (var row in Query(connection, transaction, SqliteMaster, null))
        {
            var (type, name, table, sql) = ((string)row[0]!, (string)row[1]!, (string)row[2]!, row[3] as string);
            switch (type)
            {
                case "view":
                    views.Add(name);
                    break;
                case "trigger":
                    triggered.Add(table);
                    break;
                default:
                    AddSqliteCollations(name, sql, columns);
                    tables.Add(name);
                    if (DeclaresReplace(sql))
                    {
                        replacing.Add(name);
                    }

                    break;
            }
        }

        // One foreign key spans several rows (one per column); "to" is null when it references the parent's primary key.
        var actions = new List<ForeignKeyAction>();
        foreach (var child in tables)
        {
            foreach (var fk in Query(connection, transaction, SqliteForeignKeys, null, ("table", child)).GroupBy(r => (string)r[0]!, StringComparer.OrdinalIgnoreCase))
            {
                var parentColumns = fk.Any(r => r[1] is null) ? null : fk.Select(r => (string)r[1]!).ToList();
                var action = new ForeignKeyAction(child, fk.Key, parentColumns, ForeignKeyAction.Parse(fk.First()[3] as string), ForeignKeyAction.Parse(fk.First()[2] as string));
                if (ForeignKeyAction.Changes(action.OnDelete) || ForeignKeyAction.Changes(action.OnUpdate))
                {
                    actions.Add(action);
                }
            }
        }

        return new StoreFacts(views, triggered, columns, actions) { Replacing = replacing };
    }

    /// <summary>
    /// Whether a <c>CREATE TABLE</c> declares <c>ON CONFLICT REPLACE</c> on a constraint: an INSERT or UPDATE may then delete
    /// the rows it conflicts with (unreadable text counts as yes).
    /// </summary>
    internal static bool DeclaresReplace(string? createTable)
    {
        var text = createTable is null ? null : SqlTokenizer.Tokenize(createTable, SqlDialect.Sqlite);
        if (text is null || text.Ambiguous)
        {
            return true;
        }

        for (var i = 0; i + 1 < text.Count; i++)
        {
            if (text.IsWord(i, "CONFLICT") && text.IsWord(i + 1, "REPLACE"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Files how each column of a <c>CREATE TABLE</c> compares: a <c>COLLATE</c> in its definition gives SQLite's rule for that
    /// collation (BINARY ordinal, NOCASE ASCII case, RTRIM trailing spaces, anything else excluded); a statement CacheBot
    /// cannot read (no column list, text the lexer finds ambiguous) excludes every string column of the table.
    /// </summary>
    internal static void AddSqliteCollations(string table, string? createTable, Dictionary<string, StringMatching> columns)
    {
        var text = createTable is null ? null : SqlTokenizer.Tokenize(createTable, SqlDialect.Sqlite);
        var open = -1;
        var unreadable = text is null || text.Ambiguous;
        for (var i = 0; !unreadable && i < text!.Count && open < 0; i++)
        {
            unreadable = text.IsWord(i, "AS") || text.IsWord(i, "VIRTUAL");
            open = text.IsKind(i, SqlTokenKind.OpenParen) && text[i].Depth == 0 ? i : -1;
        }

        if (unreadable || open < 0)
        {
            columns[StoreFacts.Column(table, "*")] = StringMatching.Excluded;
            return;
        }

        var start = open + 1;
        for (var i = start; i < text!.Count; i++)
        {
            var end = text.IsKind(i, SqlTokenKind.Comma) && text[i].Depth == 1 || text.IsKind(i, SqlTokenKind.CloseParen) && text[i].Depth == 0;
            if (!end)
            {
                continue;
            }

            if (text.Name(start) is { } column && !text.IsAnyWord(start, ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]))
            {
                for (var j = start + 1; j < i - 1; j++)
                {
                    if (text[j].Depth == 1 && text.IsWord(j, "COLLATE"))
                    {
                        var matching = (text.Name(j + 1) ?? string.Empty).ToUpperInvariant() switch
                        {
                            "BINARY" => StringMatching.Ordinal,
                            "NOCASE" => StringMatching.AsciiIgnoreCase,
                            "RTRIM" => StringMatching.TrailingSpaces,
                            _ => StringMatching.Excluded,
                        };
                        columns[StoreFacts.Column(table, column)] = matching;
                    }
                }
            }

            if (text[i].Depth == 0)
            {
                break;
            }

            start = i + 1;
        }
    }

    private static StoreFacts ReadPostgres(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<string> modelSchemas)
    {
        var schemas = modelSchemas.ToArray();
        var views = Query(connection, transaction, PostgresViews, schemas).Select(r => (string)r[0]!).ToList();
        var triggered = Query(connection, transaction, PostgresTriggered, schemas).Select(r => (string)r[0]!).ToList();
        var columns = new Dictionary<string, StringMatching>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in Query(connection, transaction, PostgresColumns, schemas))
        {
            // character(n) ignores trailing spaces under a deterministic collation; citext, domains and non-deterministic
            // collations compare by rules CacheBot does not reproduce.
            var excluded = Convert.ToInt32(row[3], System.Globalization.CultureInfo.InvariantCulture) == 1 || (string)row[2]! != "bpchar";
            columns[StoreFacts.Column((string)row[0]!, (string)row[1]!)] = excluded ? StringMatching.Excluded : StringMatching.TrailingSpaces;
        }

        var actions = Query(connection, transaction, PostgresForeignKeys, schemas)
            .Select(r => new ForeignKeyAction((string)r[0]!, (string)r[1]!, (string[])r[4]!, ForeignKeyAction.Parse((string)r[2]!), ForeignKeyAction.Parse((string)r[3]!)))
            .ToList();
        return new StoreFacts(views, triggered, columns, actions);
    }

    private static List<object?[]> Query(DbConnection connection, DbTransaction? transaction, string sql, string[]? schemas, (string Name, object Value)? argument = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        if (schemas is not null)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "schemas";
            parameter.Value = schemas;
            command.Parameters.Add(parameter);
        }

        if (argument is { } named)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = named.Name;
            parameter.Value = named.Value;
            command.Parameters.Add(parameter);
        }

        var rows = new List<object?[]>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}

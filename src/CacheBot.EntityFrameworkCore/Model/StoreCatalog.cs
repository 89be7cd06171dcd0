using System.Collections.Frozen;
using System.Data;
using System.Data.Common;
using System.Globalization;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CacheBot.EntityFrameworkCore.Model;

/// <summary>
/// Reads <see cref="StoreFacts"/> from the catalog of SQLite (<c>sqlite_master</c>: views, triggers and the tables they
/// write, the column collations and <c>ON CONFLICT REPLACE</c> of each <c>CREATE TABLE</c>, read by the core's
/// <see cref="SqliteCatalogSql"/>; <c>pragma_table_xinfo</c> for declared types) and PostgreSQL (<c>pg_class</c> views and materialized views, user triggers in
/// <c>pg_trigger</c>, rules in <c>pg_rewrite</c>, defaults, generated columns, CHECK constraints, domains and policies that call
/// functions that may write (<see cref="PostgresCatalogSql.WriteCallsSql"/>), the calls that are provably read-only
/// (<see cref="PostgresCatalogSql.ReadOnlyCallsSql"/>), and the string columns that do not compare ordinally: <c>citext</c>,
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

    // The events as WriteEvents flags: tgtype bits INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32; a rule's ev_type 2 UPDATE,
    // 3 INSERT, 4 DELETE (anything else: every event).
    private static readonly string PostgresTriggered =
        "SELECT c.relname, (CASE WHEN t.tgtype::int & 4 <> 0 THEN 1 ELSE 0 END) | (CASE WHEN t.tgtype::int & 16 <> 0 THEN 2 ELSE 0 END) | " +
        "(CASE WHEN t.tgtype::int & 8 <> 0 THEN 4 ELSE 0 END) | (CASE WHEN t.tgtype::int & 32 <> 0 THEN 8 ELSE 0 END) " +
        "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND " + VisibleSchema +
        " UNION ALL SELECT c.relname, CASE r.ev_type WHEN '2' THEN 2 WHEN '3' THEN 1 WHEN '4' THEN 4 ELSE 15 END " +
        "FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND " + VisibleSchema +
        // A write that may run a function not provably read-only (a default, generated column, CHECK constraint, domain or
        // row-level security policy calling one, directly or through an operator) may write any table, like a trigger
        // whose body cannot be read: the rule linq2db's catalog reader uses too.
        " UNION ALL SELECT c.relname, w.events FROM (" + PostgresCatalogSql.WriteCallsSql + ") w " +
        "JOIN pg_catalog.pg_class c ON c.oid = w.relid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + VisibleSchema;

    private const string SqliteColumns = "SELECT name, type FROM pragma_table_xinfo(@table)";

    private const string SqliteForeignKeys = "SELECT \"table\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(@table)";

    private const string PostgresForeignKeys =
        "SELECT cc.relname, pc.relname, con.confdeltype::text, con.confupdtype::text, " +
        "ARRAY(SELECT a.attname::text FROM unnest(con.confkey) k JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k) " +
        "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class cc ON cc.oid = con.conrelid " +
        "JOIN pg_catalog.pg_class pc ON pc.oid = con.confrelid JOIN pg_catalog.pg_namespace n ON n.oid = cc.relnamespace " +
        "WHERE con.contype = 'f' AND (con.confdeltype IN ('c', 'n', 'd') OR con.confupdtype IN ('c', 'n', 'd')) AND " + VisibleSchema;

    private const string PostgresOpaque =
        "SELECT c.relname, c.relkind::text, c.relrowsecurity, " +
        "(SELECT r.ev_action::text FROM pg_catalog.pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename = '_RETURN') " +
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE (c.relkind IN ('v', 'f') OR c.relrowsecurity) AND " + VisibleSchema;

    private const string PostgresUnsafeFunctions =
        "SELECT p.oid::bigint FROM pg_catalog.pg_proc p WHERE p.oid::bigint = ANY (@ids) " +
        "AND (p.provolatile <> 'i' OR p.pronamespace <> 'pg_catalog'::regnamespace)";

    // What each view (or materialized view) reads, and whether that relation is itself opaque wherever it lives.
    private const string PostgresViewReads =
        "SELECT DISTINCT v.relname, b.relname, (b.relrowsecurity OR b.relkind = 'f') FROM pg_catalog.pg_depend d " +
        "JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid JOIN pg_catalog.pg_class v ON v.oid = r.ev_class " +
        "JOIN pg_catalog.pg_class b ON b.oid = d.refobjid JOIN pg_catalog.pg_namespace n ON n.oid = v.relnamespace " +
        "WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass " +
        "AND v.relkind = 'v' AND v.oid <> b.oid AND " + VisibleSchema;

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
        var views = new List<(string Name, string? Sql)>();
        var triggers = new List<(string Table, TriggerFacts Trigger)>();
        var tables = new List<(string Name, string? Sql)>();
        foreach (var row in Query(connection, transaction, SqliteMaster, null))
        {
            var (type, name, table, sql) = ((string)row[0]!, (string)row[1]!, (string)row[2]!, row[3] as string);
            switch (type)
            {
                case "view":
                    views.Add((name, sql));
                    break;
                case "trigger":
                    triggers.Add((table, sql is null ? new TriggerFacts(WriteEvents.All, null) : SqliteCatalogSql.ParseTrigger(sql)));
                    break;
                default:
                    tables.Add((name, sql));
                    break;
            }
        }

        var columns = new Dictionary<string, StringMatching>(StringComparer.OrdinalIgnoreCase);
        var replacing = new List<string>();
        var actions = new List<ForeignKeyAction>();
        foreach (var (table, sql) in tables)
        {
            // How text compares on each column: its declared type (numeric affinity converts '05' to 5) and collation.
            var collations = sql is null ? null : SqliteCatalogSql.ColumnCollations(sql);
            foreach (var column in Query(connection, transaction, SqliteColumns, null, ("table", table)))
            {
                var name = (string)column[0]!;
                var matching = collations is null ? StringMatching.Excluded : SqliteCatalogSql.MatchingFor(column[1] as string ?? string.Empty, collations.GetValueOrDefault(name));
                if (matching != StringMatching.Ordinal)
                {
                    columns[StoreFacts.Column(table, name)] = matching;
                }
            }

            if (sql is null || SqliteCatalogSql.DeclaresReplace(sql))
            {
                replacing.Add(table);
            }

            // One foreign key spans several rows (one per column); "to" is null when it references the parent's primary key.
            foreach (var fk in Query(connection, transaction, SqliteForeignKeys, null, ("table", table)).GroupBy(r => (string)r[0]!, StringComparer.OrdinalIgnoreCase))
            {
                var parentColumns = fk.Any(r => r[1] is null) ? null : fk.Select(r => (string)r[1]!).ToList();
                var action = new ForeignKeyAction(table, fk.Key, parentColumns, ForeignKeyAction.Parse(fk.First()[3] as string), ForeignKeyAction.Parse(fk.First()[2] as string));
                if (ForeignKeyAction.Changes(action.OnDelete) || ForeignKeyAction.Changes(action.OnUpdate))
                {
                    actions.Add(action);
                }
            }
        }

        // A view that calls a function not known to be deterministic or reads the clock is opaque, and so is a view over one.
        var relations = new HashSet<string>(tables.Select(t => t.Name).Concat(views.Select(v => v.Name)), StringComparer.OrdinalIgnoreCase);
        var reads = new List<(string View, string Relation)>();
        var opaque = new List<string>();
        foreach (var (view, sql) in views)
        {
            var (names, calls) = sql is null ? (new List<string>(), true) : SqliteCatalogSql.ViewReferences(sql, relations.Contains);
            if (calls)
            {
                opaque.Add(view);
            }

            reads.AddRange(names.Select(n => (view, n)));
        }

        return new StoreFacts(views.Select(v => v.Name), triggers, columns, actions) { Replacing = replacing, Opaque = Closure(opaque, reads) };
    }

    /// <summary>The opaque relations and every view that reads one, transitively.</summary>
    private static List<string> Closure(List<string> opaque, List<(string View, string Relation)> reads)
    {
        var result = new HashSet<string>(opaque, StringComparer.OrdinalIgnoreCase);
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var (view, relation) in reads)
            {
                grown |= result.Contains(relation) && result.Add(view);
            }
        }

        return [.. result];
    }

    private static StoreFacts ReadPostgres(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<string> modelSchemas)
    {
        var schemas = modelSchemas.ToArray();
        var views = Query(connection, transaction, PostgresViews, schemas).Select(r => (string)r[0]!).ToList();
        // A trigger function or rule is code CacheBot cannot read: it may write any table.
        var triggers = Query(connection, transaction, PostgresTriggered, schemas)
            .Select(r => ((string)r[0]!, new TriggerFacts(Convert.ToInt32(r[1], CultureInfo.InvariantCulture) is var events and not 0 ? (WriteEvents)events : WriteEvents.All, null)))
            .ToList();
        var columns = new Dictionary<string, StringMatching>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in Query(connection, transaction, PostgresColumns, schemas))
        {
            // character(n) ignores trailing spaces under a deterministic collation; citext, domains and non-deterministic
            // collations compare by rules CacheBot does not reproduce.
            var excluded = Convert.ToInt32(row[3], CultureInfo.InvariantCulture) == 1 || (string)row[2]! != "bpchar";
            columns[StoreFacts.Column((string)row[0]!, (string)row[1]!)] = excluded ? StringMatching.Excluded : StringMatching.TrailingSpaces;
        }

        var actions = Query(connection, transaction, PostgresForeignKeys, schemas)
            .Select(r => new ForeignKeyAction((string)r[0]!, (string)r[1]!, (string[])r[4]!, ForeignKeyAction.Parse((string)r[2]!), ForeignKeyAction.Parse((string)r[3]!)))
            .ToList();
        var readOnlyCalls = Query(connection, transaction, PostgresCatalogSql.ReadOnlyCallsSql, null).Select(r => (string)r[0]!).ToFrozenSet(StringComparer.Ordinal);
        return new StoreFacts(views, triggers, columns, actions) { Opaque = ReadPostgresOpaque(connection, transaction, schemas), ReadOnlyCalls = readOnlyCalls };
    }

    /// <summary>
    /// Tables with row-level security and foreign tables; views whose rule reads session state or calls a function that is
    /// not an immutable built-in (<see cref="PostgresRuleTree"/>); views over any of these (materialized views change only
    /// at REFRESH, a write CacheBot sees).
    /// </summary>
    private static List<string> ReadPostgresOpaque(DbConnection connection, DbTransaction? transaction, string[] schemas)
    {
        var opaque = new List<string>();
        var calls = new List<(string View, IReadOnlyList<long> Functions)>();
        foreach (var row in Query(connection, transaction, PostgresOpaque, schemas))
        {
            var (name, kind) = ((string)row[0]!, (string)row[1]!);
            if (kind != "v" || row[2] is true || row[3] is not string tree || PostgresRuleTree.ReadsSessionState(tree))
            {
                opaque.Add(name);
            }
            else
            {
                calls.Add((name, PostgresRuleTree.FunctionIds(tree)));
            }
        }

        var ids = calls.SelectMany(c => c.Functions).Distinct().ToArray();
        if (ids.Length > 0)
        {
            var unsafeIds = Query(connection, transaction, PostgresUnsafeFunctions, null, ("ids", ids))
                .Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToHashSet();
            opaque.AddRange(calls.Where(c => c.Functions.Any(unsafeIds.Contains)).Select(c => c.View));
        }

        var reads = new List<(string View, string Relation)>();
        foreach (var row in Query(connection, transaction, PostgresViewReads, schemas))
        {
            if (row[2] is true)
            {
                opaque.Add((string)row[0]!);
            }

            reads.Add(((string)row[0]!, (string)row[1]!));
        }

        return Closure(opaque, reads);
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

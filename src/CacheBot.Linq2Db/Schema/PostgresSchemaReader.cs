using CacheBot.Linq.Providers.Sql;
using System.Globalization;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// PostgreSQL's catalog, read per relation: <c>pg_class</c> (kind, row-level security), <c>pg_attribute</c> with the
/// type chain through domains and <c>pg_collation</c> (citext, bpchar, nondeterministic collations), the primary key,
/// <c>pg_constraint</c> foreign keys that reference the relation, user triggers (<c>pg_trigger</c> without the internal
/// foreign-key triggers) and rules, the views that read it (<c>pg_depend</c> on their <c>pg_rewrite</c> rule; materialized
/// views excluded), the relations a view reads, and inheritance (<c>pg_inherits</c>).
/// </summary>
/// <remarks>
/// A trigger or rule runs code CacheBot cannot read: its targets are unknown (the whole database). A view is opaque when
/// its rule calls a function that is not an immutable built-in (found in the rule's node tree, since calls of built-ins
/// are not recorded in <c>pg_depend</c>), reads a session value (<c>CURRENT_USER</c>, <c>now()</c>), or reads an opaque view.
/// Names are looked up without parsing (no <c>regclass</c> casts that could fail inside the caller's transaction).
/// </remarks>
internal sealed partial class PostgresSchemaReader : ISchemaReader
{
    public static readonly PostgresSchemaReader Instance = new();

    private const string RelationSql =
        "SELECT c.oid::bigint, c.relkind::text, n.nspname::text, c.relname::text, c.relrowsecurity FROM pg_catalog.pg_class c " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE (c.relname = @name OR c.relname = lower(@name)) AND c.relkind IN ('r', 'v', 'm', 'p', 'f') " +
        "AND CASE WHEN @schema IS NULL THEN pg_catalog.pg_table_is_visible(c.oid) ELSE (n.nspname = @schema OR n.nspname = lower(@schema)) END " +
        "ORDER BY (c.relname = @name) DESC, (n.nspname = @schema) DESC LIMIT 1";

    private const string ColumnSql =
        "SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), " +
        "(WITH RECURSIVE b(oid, depth) AS (SELECT a.atttypid, 0 UNION ALL SELECT t.typbasetype, b.depth + 1 FROM pg_catalog.pg_type t " +
        "JOIN b ON t.oid = b.oid WHERE t.typtype = 'd' AND b.depth < 16) " +
        "SELECT string_agg(t.typname::text, ',') FROM b JOIN pg_catalog.pg_type t ON t.oid = b.oid), " +
        "COALESCE(co.collisdeterministic, true), pg_catalog.pg_get_expr(d.adbin, d.adrelid) " +
        "FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation " +
        "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum " +
        "WHERE a.attrelid = CAST(@oid AS bigint)::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

    private const string PrimaryKeySql =
        "SELECT a.attname::text FROM pg_catalog.pg_index i CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) " +
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum " +
        "WHERE i.indrelid = CAST(@oid AS bigint)::oid AND i.indisprimary ORDER BY k.ord";


    private const string TriggerSql =
        "SELECT t.tgtype::int FROM pg_catalog.pg_trigger t WHERE t.tgrelid = CAST(@oid AS bigint)::oid AND NOT t.tgisinternal";

    /// <summary>
    /// The write events of the relation that may run a function that is not provably read-only (defaults, generated
    /// columns, CHECK constraints, domains, policies: <see cref="PostgresCatalogSql.WriteCallsSql"/>): such a function runs
    /// with the write, like a trigger whose body cannot be read.
    /// </summary>
    private static readonly string WriteCallsSql =
        "SELECT COALESCE(bit_or(w.events), 0)::int FROM (" + PostgresCatalogSql.WriteCallsSql + ") w WHERE w.relid = CAST(@oid AS bigint)::oid";

    private const string RuleSql =
        "SELECT r.ev_type::text FROM pg_catalog.pg_rewrite r WHERE r.ev_class = CAST(@oid AS bigint)::oid AND r.rulename <> '_RETURN'";

    private const string DependentSql =
        "SELECT DISTINCT vn.nspname::text, v.relname::text, v.relkind::text FROM pg_catalog.pg_depend d " +
        "JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid JOIN pg_catalog.pg_class v ON v.oid = r.ev_class " +
        "JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace " +
        "WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass " +
        "AND d.refobjid = CAST(@oid AS bigint)::oid AND v.oid <> CAST(@oid AS bigint)::oid";

    private const string BaseSql =
        "SELECT DISTINCT bn.nspname::text, b.relname::text, b.relkind::text FROM pg_catalog.pg_depend d " +
        "JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid JOIN pg_catalog.pg_class b ON b.oid = d.refobjid " +
        "JOIN pg_catalog.pg_namespace bn ON bn.oid = b.relnamespace " +
        "WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass " +
        "AND r.ev_class = CAST(@oid AS bigint)::oid AND b.oid <> CAST(@oid AS bigint)::oid";

    private const string RuleTreeSql =
        "SELECT r.ev_action::text FROM pg_catalog.pg_rewrite r WHERE r.ev_class = CAST(@oid AS bigint)::oid AND r.rulename = '_RETURN'";

    private const string InheritanceSql =
        "SELECT n.nspname::text, c.relname::text, i.inhparent = CAST(@oid AS bigint)::oid FROM pg_catalog.pg_inherits i " +
        "JOIN pg_catalog.pg_class c ON c.oid = CASE WHEN i.inhparent = CAST(@oid AS bigint)::oid THEN i.inhrelid ELSE i.inhparent END " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE i.inhparent = CAST(@oid AS bigint)::oid OR i.inhrelid = CAST(@oid AS bigint)::oid";

    private PostgresSchemaReader()
    {
    }

    public async ValueTask<TableFacts?> ReadAsync(CatalogSession session, CatalogSnapshot snapshot, RelationRef relation) =>
        await ReadAsync(session, relation, depth: 0).ConfigureAwait(false);

    private static async ValueTask<TableFacts?> ReadAsync(CatalogSession session, RelationRef relation, int depth)
    {
        var found = await session.QueryAsync(RelationSql, ("name", relation.Name), ("schema", relation.Schema)).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return null;
        }

        var oid = found[0][0]!;
        var kind = (string)found[0][1]! switch
        {
            "v" => RelationKind.View,
            "m" => RelationKind.MaterializedView,
            "f" => RelationKind.Other,
            _ => RelationKind.Table,
        };
        var self = new RelationRef((string)found[0][2]!, (string)found[0][3]!);
        var opaque = kind == RelationKind.Other || found[0][4] is true;
        var version = ServerVersion(session);

        var columns = new List<ColumnFacts>();
        foreach (var row in await session.QueryAsync(ColumnSql, ("oid", oid)).ConfigureAwait(false))
        {
            var chain = (row[2] as string ?? string.Empty).Split(',');
            var matching = chain.Contains("citext") || row[3] is false ? StringMatching.Excluded
                : chain.Contains("bpchar") ? StringMatching.TrailingSpaces
                : StringMatching.Ordinal;
            var hasConstant = SqliteCatalogSql.TryParseConstant(row[4] as string, out var constant, CacheBot.Linq.Providers.Sql.SqlDialect.PostgreSql);
            columns.Add(new ColumnFacts((string)row[0]!, row[1] as string ?? string.Empty, matching, constant, hasConstant));
        }

        var primaryKey = new List<string>();
        foreach (var row in await session.QueryAsync(PrimaryKeySql, ("oid", oid)).ConfigureAwait(false))
        {
            primaryKey.Add((string)row[0]!);
        }

        var children = new List<ForeignKeyFacts>();
        var setColumns = version >= 15 ? ColumnNames("c.confdelsetcols", "c.conrelid") : "NULL::text[]";
        var foreignKeySql =
            "SELECT cn.nspname::text, cc.relname::text, " + ColumnNames("c.conkey", "c.conrelid") + ", " +
            ColumnNames("c.confkey", "c.confrelid") + ", c.confdeltype::text, c.confupdtype::text, " + setColumns +
            " FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_class cc ON cc.oid = c.conrelid " +
            "JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace WHERE c.contype = 'f' AND c.confrelid = CAST(@oid AS bigint)::oid";
        foreach (var row in await session.QueryAsync(foreignKeySql, ("oid", oid)).ConfigureAwait(false))
        {
            var deleteSet = row[6] as string[];
            children.Add(new ForeignKeyFacts(
                new RelationRef((string)row[0]!, (string)row[1]!), (string[])row[2]!, (string[])row[3]!, Action((string)row[4]!), Action((string)row[5]!),
                deleteSet is { Length: > 0 } ? deleteSet : null));
        }

        var triggers = new List<TriggerFacts>();
        foreach (var row in await session.QueryAsync(TriggerSql, ("oid", oid)).ConfigureAwait(false))
        {
            var type = Convert.ToInt32(row[0], CultureInfo.InvariantCulture);
            var events = ((type & 4) != 0 ? WriteEvents.Insert : 0) | ((type & 8) != 0 ? WriteEvents.Delete : 0)
                | ((type & 16) != 0 ? WriteEvents.Update : 0) | ((type & 32) != 0 ? WriteEvents.Truncate : 0);
            triggers.Add(new TriggerFacts(events == WriteEvents.None ? WriteEvents.All : events, null));
        }

        foreach (var row in await session.QueryAsync(RuleSql, ("oid", oid)).ConfigureAwait(false))
        {
            var events = (string)row[0]! switch
            {
                "2" => WriteEvents.Update,
                "3" => WriteEvents.Insert,
                "4" => WriteEvents.Delete,
                _ => WriteEvents.None,
            };
            if (events != WriteEvents.None)
            {
                triggers.Add(new TriggerFacts(events, null));
            }
        }

        if (await session.QueryAsync(WriteCallsSql, ("oid", oid)).ConfigureAwait(false) is [[int callEvents]] && callEvents != 0)
        {
            triggers.Add(new TriggerFacts((WriteEvents)callEvents, null));
        }

        var dependents = new List<RelationRef>();
        foreach (var row in await session.QueryAsync(DependentSql, ("oid", oid)).ConfigureAwait(false))
        {
            if ((string)row[2]! == "v")
            {
                dependents.Add(new RelationRef((string)row[0]!, (string)row[1]!));
            }
        }

        var writtenWith = new List<RelationRef>();
        foreach (var row in await session.QueryAsync(InheritanceSql, ("oid", oid)).ConfigureAwait(false))
        {
            // A write to a parent reaches its children's rows; a child's rows are read through its parents.
            (row[2] is true ? writtenWith : dependents).Add(new RelationRef((string)row[0]!, (string)row[1]!));
        }

        if (kind == RelationKind.View)
        {
            foreach (var row in await session.QueryAsync(BaseSql, ("oid", oid)).ConfigureAwait(false))
            {
                var baseRelation = new RelationRef((string)row[0]!, (string)row[1]!);
                writtenWith.Add(baseRelation); // a write through an updatable view writes its base tables
                if ((string)row[2]! is "v" or "f" && !opaque)
                {
                    opaque = depth >= 16 || await ReadAsync(session, baseRelation, depth + 1).ConfigureAwait(false) is not { IsOpaque: false };
                }
            }

            opaque = opaque || await CallsUnsafeFunctionsAsync(session, oid).ConfigureAwait(false);
        }

        return new TableFacts(self, kind, opaque, columns, primaryKey, children, triggers, dependents, writtenWith);
    }

    /// <summary>Whether a view's rule calls anything but immutable built-ins, or reads session values.</summary>
    private static async ValueTask<bool> CallsUnsafeFunctionsAsync(CatalogSession session, object oid)
    {
        var rows = await session.QueryAsync(RuleTreeSql, ("oid", oid)).ConfigureAwait(false);
        if (rows.Count == 0 || rows[0][0] is not string tree)
        {
            return true;
        }

        if (PostgresRuleTree.ReadsSessionState(tree))
        {
            return true;
        }

        var functions = PostgresRuleTree.FunctionIds(tree);
        if (functions.Count == 0)
        {
            return false;
        }

        var unsafeCalls = await session.QueryAsync(
            "SELECT count(*) FROM pg_catalog.pg_proc p WHERE p.oid::bigint = ANY(@ids) " +
            "AND (p.provolatile <> 'i' OR p.pronamespace <> 'pg_catalog'::regnamespace)",
            ("ids", functions.ToArray())).ConfigureAwait(false);
        return Convert.ToInt64(unsafeCalls[0][0], CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>The names of the attributes numbered in <paramref name="numbers"/> of <paramref name="relation"/>, in order.</summary>
    private static string ColumnNames(string numbers, string relation) =>
        "ARRAY(SELECT a.attname::text FROM unnest(" + numbers + ") WITH ORDINALITY k(n, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = " + relation +
        " AND a.attnum = k.n ORDER BY k.i)";

    private static int ServerVersion(CatalogSession session)
    {
        var text = session.Connection.ServerVersion;
        var end = 0;
        while (end < text.Length && char.IsDigit(text[end]))
        {
            end++;
        }

        return int.TryParse(text.AsSpan(0, end), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0;
    }

    private static ForeignKeyAction Action(string code) => code switch
    {
        "c" => ForeignKeyAction.Cascade,
        "n" => ForeignKeyAction.SetNull,
        "d" => ForeignKeyAction.SetDefault,
        _ => ForeignKeyAction.None,
    };
}

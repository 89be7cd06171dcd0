using CacheBot.Linq.Providers.Sql;
using System.Globalization;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Schema;

/// <summary>
/// SQLite's catalog: <c>sqlite_master</c> (main and temp) and <c>pragma_foreign_key_list</c> read once per snapshot,
/// <c>pragma_table_xinfo</c> per relation; collations, triggers and view references parsed from the stored SQL
/// (<see cref="SqliteCatalogSql"/>). Attached databases are not read: a relation named through one is unknown.
/// </summary>
internal sealed class SqliteSchemaReader : ISchemaReader
{
    public static readonly SqliteSchemaReader Instance = new();

    private const string MasterSql =
        "SELECT 'main', type, name, tbl_name, sql FROM main.sqlite_master WHERE type IN ('table', 'view', 'trigger') " +
        "UNION ALL SELECT 'temp', type, name, tbl_name, sql FROM temp.sqlite_master WHERE type IN ('table', 'view', 'trigger')";

    private const string ForeignKeySql =
        "SELECT 'main', m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete " +
        "FROM main.sqlite_master m JOIN pragma_foreign_key_list(m.name, 'main') f WHERE m.type = 'table' " +
        "UNION ALL SELECT 'temp', m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete " +
        "FROM temp.sqlite_master m JOIN pragma_foreign_key_list(m.name, 'temp') f WHERE m.type = 'table'";

    private SqliteSchemaReader()
    {
    }

    public async ValueTask<TableFacts?> ReadAsync(CatalogSession session, CatalogSnapshot snapshot, RelationRef relation)
    {
        var state = snapshot.GetReaderState<State>() ?? snapshot.SetReaderState(await LoadAsync(session).ConfigureAwait(false));
        var schema = relation.Schema?.ToUpperInvariant();
        if (schema is not (null or "MAIN" or "TEMP"))
        {
            return null;
        }

        // SQLite resolves an unqualified name in temp first, then main.
        var entry = state.Find(relation.Name, schema);
        if (entry is null)
        {
            return null;
        }

        var kind = entry.Type == "view" ? RelationKind.View
            : entry.Sql?.TrimStart().StartsWith("CREATE VIRTUAL", StringComparison.OrdinalIgnoreCase) == true ? RelationKind.Other
            : RelationKind.Table;
        var rows = await session.QueryAsync(
            "SELECT name, type, dflt_value, pk FROM pragma_table_xinfo(@name, @schema) ORDER BY cid",
            ("name", entry.Name),
            ("schema", entry.Schema)).ConfigureAwait(false);
        var collations = kind == RelationKind.Table && entry.Sql is not null ? SqliteCatalogSql.ColumnCollations(entry.Sql) : null;
        var columns = new List<ColumnFacts>(rows.Count);
        var keys = new List<(long Order, string Name)>();
        foreach (var row in rows)
        {
            var name = (string)row[0]!;
            var declared = row[1] as string ?? string.Empty;
            StringMatching matching;
            if (collations is null || !collations.TryGetValue(name, out var collation))
            {
                // A view's column compares with the collation of the expression it selects; unknown here.
                matching = StringMatching.Excluded;
            }
            else
            {
                matching = SqliteCatalogSql.MatchingFor(declared, collation);
            }

            var hasConstant = SqliteCatalogSql.TryParseConstant(row[2] as string, out var constant);
            columns.Add(new ColumnFacts(name, declared, matching, constant, hasConstant));
            var pk = Convert.ToInt64(row[3], CultureInfo.InvariantCulture);
            if (pk > 0)
            {
                keys.Add((pk, name));
            }
        }

        keys.Sort(static (a, b) => a.Order.CompareTo(b.Order));
        var primaryKey = keys.ConvertAll(static k => k.Name);

        var triggers = new List<TriggerFacts>();
        foreach (var trigger in state.Triggers)
        {
            if (string.Equals(trigger.TableName, entry.Name, StringComparison.OrdinalIgnoreCase) && trigger.Sql is not null)
            {
                triggers.Add(SqliteCatalogSql.ParseTrigger(trigger.Sql));
            }
        }

        var dependents = new List<RelationRef>();
        foreach (var view in state.Views())
        {
            if (!ReferenceEquals(view, entry) && state.ReferencesOf(view).Names.Contains(entry.Name, StringComparer.OrdinalIgnoreCase))
            {
                dependents.Add(new RelationRef(null, view.Name));
            }
        }

        var children = new List<ForeignKeyFacts>();
        foreach (var fk in state.ForeignKeysTo(entry.Name))
        {
            var parentColumns = fk.ParentColumns.Contains(null) ? primaryKey.ToArray() : fk.ParentColumns.ConvertAll(static c => c!).ToArray();
            if (parentColumns.Length != fk.ChildColumns.Count)
            {
                // A key that does not line up with the primary key: its child changes on any write.
                parentColumns = [];
            }

            children.Add(new ForeignKeyFacts(new RelationRef(null, fk.Child), [.. fk.ChildColumns], parentColumns, fk.OnDelete, fk.OnUpdate, null));
        }

        var opaque = kind == RelationKind.Other || (kind == RelationKind.View && state.IsOpaqueView(entry));
        return new TableFacts(new RelationRef(null, entry.Name), kind, opaque, columns, primaryKey, children, triggers, dependents, [])
        {
            ReplacesOnConflict = kind != RelationKind.View && (entry.Sql is null || SqliteCatalogSql.DeclaresReplace(entry.Sql)),
        };
    }

    private static async ValueTask<State> LoadAsync(CatalogSession session)
    {
        var master = await session.QueryAsync(MasterSql).ConfigureAwait(false);
        var entries = new List<Entry>(master.Count);
        foreach (var row in master)
        {
            entries.Add(new Entry((string)row[0]!, (string)row[1]!, (string)row[2]!, (string)row[3]!, row[4] as string));
        }

        var foreignKeys = new Dictionary<(string Schema, string Child, long Id), ForeignKey>();
        foreach (var row in await session.QueryAsync(ForeignKeySql).ConfigureAwait(false))
        {
            var key = ((string)row[0]!, (string)row[1]!, Convert.ToInt64(row[2], CultureInfo.InvariantCulture));
            if (!foreignKeys.TryGetValue(key, out var fk))
            {
                fk = new ForeignKey(key.Item2, (string)row[4]!, Action(row[8] as string), Action(row[7] as string));
                foreignKeys.Add(key, fk);
            }

            fk.ChildColumns.Add((string)row[5]!);
            fk.ParentColumns.Add(row[6] as string);
        }

        return new State(entries, [.. foreignKeys.Values]);
    }

    private static ForeignKeyAction Action(string? text) => text?.ToUpperInvariant() switch
    {
        "CASCADE" => ForeignKeyAction.Cascade,
        "SET NULL" => ForeignKeyAction.SetNull,
        "SET DEFAULT" => ForeignKeyAction.SetDefault,
        _ => ForeignKeyAction.None,
    };

    private sealed record Entry(string Schema, string Type, string Name, string TableName, string? Sql);

    private sealed record ForeignKey(string Child, string Parent, ForeignKeyAction OnDelete, ForeignKeyAction OnUpdate)
    {
        public List<string> ChildColumns { get; } = [];

        public List<string?> ParentColumns { get; } = [];
    }

    /// <summary>The database-wide facts of one snapshot; view references are parsed lazily (thread-safe, idempotent).</summary>
    private sealed class State(List<Entry> entries, List<ForeignKey> foreignKeys)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Entry, (List<string> Names, bool Opaque)> _references = new();

        public IEnumerable<Entry> Triggers => entries.Where(static e => e.Type == "trigger");

        public IEnumerable<Entry> Views() => entries.Where(static e => e.Type == "view");

        public Entry? Find(string name, string? schema)
        {
            Entry? main = null;
            foreach (var e in entries)
            {
                if (e.Type is not ("table" or "view") || !string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (e.Schema == "temp" && schema is null or "TEMP")
                {
                    return e;
                }

                if (e.Schema == "main" && schema is null or "MAIN")
                {
                    main = e;
                }
            }

            return main;
        }

        public IEnumerable<ForeignKey> ForeignKeysTo(string parent) =>
            foreignKeys.Where(fk => string.Equals(fk.Parent, parent, StringComparison.OrdinalIgnoreCase));

        public (List<string> Names, bool Opaque) ReferencesOf(Entry view) =>
            _references.GetOrAdd(view, static (v, self) => SqliteCatalogSql.ViewReferences(v.Sql ?? string.Empty, self.IsRelation), this);

        /// <summary>A view is opaque when it, or a view it reads (transitively), is.</summary>
        public bool IsOpaqueView(Entry view)
        {
            var seen = new HashSet<Entry>();
            var pending = new Stack<Entry>();
            pending.Push(view);
            while (pending.Count > 0)
            {
                var current = pending.Pop();
                if (!seen.Add(current))
                {
                    continue;
                }

                var (names, opaque) = ReferencesOf(current);
                if (opaque || current.Sql is null)
                {
                    return true;
                }

                foreach (var name in names)
                {
                    if (Find(name, null) is { } referenced)
                    {
                        if (referenced.Type == "view")
                        {
                            pending.Push(referenced);
                        }
                        else if (referenced.Sql?.TrimStart().StartsWith("CREATE VIRTUAL", StringComparison.OrdinalIgnoreCase) == true)
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        private bool IsRelation(string name) => Find(name, null) is not null;
    }
}

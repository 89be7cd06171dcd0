using System.Collections.Concurrent;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CacheBot.EntityFrameworkCore.Model;

/// <summary>
/// What the database knows and EF's model may not say, read from the catalog once per database (<see cref="StoreCatalog"/>):
/// which relations are views, which tables have triggers or rules, how string columns compare (collations, types), and the
/// foreign-key actions the database takes.
/// </summary>
/// <remarks>
/// <para>A database created by migrations agrees with its model, but a database first made by hand, scaffolded, or changed by
/// raw SQL may have an audit trigger, a view mapped with <c>ToTable</c>, or a <c>COLLATE NOCASE</c> column the model never
/// mentions. Each fact makes CacheBot do more, never less: a write to a table with a trigger also writes what the trigger
/// writes (the whole database when that cannot be read); a write to a view is a write of the whole database; a relation that is a view is invalidated by every write; a string column the catalog
/// compares otherwise than ordinally narrows by the database's rule, or not at all.</para>
/// <para>Unknown facts (a provider without a catalog reader, a catalog that could not be read) are treated as the worst case:
/// every write is a write of the whole database and no string column narrows.</para>
/// <para>Names compare case-insensitively and without schema, across the schemas the connection sees: two relations of one
/// name only share each other's facts, which only invalidates more. The facts are dropped when CacheBot sees DDL through EF
/// (<see cref="Forget"/>) and read again on the next use.</para>
/// </remarks>
internal sealed class StoreFacts
{
    private static readonly ConcurrentDictionary<string, StoreFacts> ByDatabase = new(StringComparer.Ordinal);

    private readonly HashSet<string> _views;
    private readonly Dictionary<string, List<TriggerFacts>> _triggers;
    private readonly Dictionary<string, StringMatching> _columns;
    private readonly Dictionary<string, List<ForeignKeyAction>> _actionsByParent;
    private readonly HashSet<string> _replacing = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _opaque = new(StringComparer.OrdinalIgnoreCase);
    private volatile bool _current = true;

    public StoreFacts(
        IEnumerable<string> views, IEnumerable<(string Table, TriggerFacts Trigger)> triggers, Dictionary<string, StringMatching> columns, IEnumerable<ForeignKeyAction>? actions = null)
    {
        _views = new HashSet<string>(views, StringComparer.OrdinalIgnoreCase);
        _triggers = new Dictionary<string, List<TriggerFacts>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (table, trigger) in triggers)
        {
            if (!_triggers.TryGetValue(table, out var list))
            {
                _triggers[table] = list = [];
            }

            list.Add(trigger);
        }

        _columns = new Dictionary<string, StringMatching>(columns, StringComparer.OrdinalIgnoreCase);
        _actionsByParent = new Dictionary<string, List<ForeignKeyAction>>(StringComparer.OrdinalIgnoreCase);
        foreach (var action in actions ?? [])
        {
            if (!_actionsByParent.TryGetValue(action.Parent, out var list))
            {
                _actionsByParent[action.Parent] = list = [];
            }

            list.Add(action);
        }

        IsKnown = true;
    }

    private StoreFacts(bool retry)
    {
        _views = [];
        _triggers = [];
        _columns = [];
        _actionsByParent = [];
        IsKnown = false;
        _current = !retry;
    }

    /// <summary>Gets the facts of a database whose catalog CacheBot cannot read (a provider other than SQLite and PostgreSQL).</summary>
    public static StoreFacts Unreadable { get; } = new(retry: false);

    /// <summary>Gets whether the catalog was read (otherwise every answer is the worst case).</summary>
    public bool IsKnown { get; }

    /// <summary>Gets whether these facts still hold (no DDL seen since they were read; a failed read is retried).</summary>
    public bool IsCurrent => _current;

    /// <summary>Returns the facts for <paramref name="database"/>: cached, or read with <paramref name="read"/>.</summary>
    /// <remarks>A read that fails gives facts that are unknown and not current: the next use reads again.</remarks>
    public static StoreFacts For(string database, Func<StoreFacts> read)
    {
        if (ByDatabase.TryGetValue(database, out var known) && known.IsCurrent)
        {
            return known;
        }

        StoreFacts facts;
        try
        {
            facts = read();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A busy connection (a reader open on it), a lost connection, a catalog that cannot be read: the worst case now,
            // and another read on the next use. Never the user's exception: the catalog is CacheBot's own business.
            return new StoreFacts(retry: true);
        }

        // Two contexts that read at once agree on the first facts stored (one model, one fingerprint per database).
        return facts.IsCurrent ? ByDatabase.AddOrUpdate(database, facts, (_, old) => old.IsCurrent ? old : facts) : facts;
    }

    /// <summary>Drops the facts of <paramref name="database"/> (DDL ran): models built on them are rebuilt on their next use.</summary>
    public static void Forget(string database)
    {
        if (ByDatabase.TryRemove(database, out var facts))
        {
            facts._current = false;
        }
    }

    /// <summary>Returns whether the relation <paramref name="name"/> is a view (or materialized view) in the database.</summary>
    public bool IsView(string name) => _views.Contains(name);

    /// <summary>
    /// Returns whether a write to <paramref name="name"/> may change relations CacheBot cannot name: it is a view (its base
    /// tables change), or the catalog is unknown. Triggers are <see cref="TriggersOn"/>.
    /// </summary>
    public bool WritesBeyond(string name) => !IsKnown || _views.Contains(name);

    /// <summary>
    /// Returns the triggers (and PostgreSQL rules) on <paramref name="table"/>: the writes they fire on and the tables their
    /// bodies write (SQLite, read from the trigger's SQL), or unknown targets (PostgreSQL functions and rules: the whole database).
    /// </summary>
    public IReadOnlyList<TriggerFacts> TriggersOn(string table) => _triggers.TryGetValue(table, out var triggers) ? triggers : [];

    /// <summary>
    /// How the database compares the string column <paramref name="column"/> of <paramref name="table"/>, given what the
    /// model says (<paramref name="fromModel"/>): the coarser of the two (<see cref="StringMatching.Excluded"/> when unknown).
    /// </summary>
    public StringMatching Restrict(string table, string column, StringMatching fromModel)
    {
        if (!IsKnown)
        {
            return StringMatching.Excluded;
        }

        if (_columns.TryGetValue(Column(table, "*"), out var wholeTable))
        {
            fromModel = Coarser(fromModel, wholeTable);
        }

        return _columns.TryGetValue(Column(table, column), out var fromDatabase) ? Coarser(fromModel, fromDatabase) : fromModel;
    }

    /// <summary>
    /// Gets the tables with an <c>ON CONFLICT REPLACE</c> constraint (SQLite): an INSERT or UPDATE may delete the rows it
    /// conflicts with, so a write of rows is a write of the table.
    /// </summary>
    public IReadOnlyCollection<string> Replacing
    {
        get => _replacing;
        init => _replacing = new HashSet<string>(value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Gets the relations whose answers can change without a write CacheBot sees, so queries reading them are not cached:
    /// PostgreSQL tables with row-level security and foreign tables, views that read session state or call functions that
    /// are not immutable built-ins (SQLite: not known to be deterministic), and views over any of these.
    /// </summary>
    public IReadOnlyCollection<string> Opaque
    {
        get => _opaque;
        init => _opaque = new HashSet<string>(value, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Gets the names of calls that are provably read-only (PostgreSQL: <see cref="PostgresCatalogSql.ReadOnlyCallsSql"/>,
    /// functions, operators and cast targets as <see cref="SqlStatement.Calls"/> names them); null when not known, and
    /// then every call in SQL text may write.
    /// </summary>
    public IReadOnlySet<string>? ReadOnlyCalls { get; init; }

    /// <summary>Returns whether queries reading <paramref name="relation"/> must not be cached (<see cref="Opaque"/>).</summary>
    public bool IsOpaque(string relation) => _opaque.Contains(relation);

    /// <summary>Returns whether a write of rows of <paramref name="table"/> may delete other rows (<see cref="Replacing"/>).</summary>
    public bool ReplacesOnConflict(string table) => _replacing.Contains(table);

    /// <summary>Returns the foreign keys whose action the database takes when a row of <paramref name="parent"/> is deleted or its key updated.</summary>
    public IReadOnlyList<ForeignKeyAction> ActionsOf(string parent) =>
        _actionsByParent.TryGetValue(parent, out var actions) ? actions : [];

    /// <summary>The key of a column in the comparison rules a catalog reader passes to the constructor.</summary>
    public static string Column(string table, string column) => table + "\u0001" + column;

    /// <summary>The matching that makes at least the strings equal that either makes equal (or none, when they disagree otherwise).</summary>
    private static StringMatching Coarser(StringMatching a, StringMatching b)
    {
        if (a == b || b == StringMatching.Ordinal)
        {
            return a;
        }

        if (a == StringMatching.Ordinal)
        {
            return b;
        }

        // Two different folds: the full case-insensitive, trailing-space fold covers ASCII case and trailing spaces.
        return a == StringMatching.Excluded || b == StringMatching.Excluded ? StringMatching.Excluded : StringMatching.IgnoreCaseAndTrailingSpaces;
    }
}

/// <summary>A foreign key with an action in the database: what happens to <paramref name="Child"/> rows when a
/// <paramref name="Parent"/> row is deleted or its referenced columns change.</summary>
/// <param name="Child">The referencing table.</param>
/// <param name="Parent">The referenced table.</param>
/// <param name="ParentColumns">The referenced columns, or <see langword="null"/> when the catalog does not name them (every update counts).</param>
/// <param name="OnDelete">The action on delete (<see cref="ReferentialAction.NoAction"/> when none changes rows).</param>
/// <param name="OnUpdate">The action on update of the referenced columns.</param>
internal sealed record ForeignKeyAction(string Child, string Parent, IReadOnlyList<string>? ParentColumns, ReferentialAction OnDelete, ReferentialAction OnUpdate)
{
    /// <summary>Returns whether <paramref name="action"/> changes child rows (cascade, set null, set default).</summary>
    public static bool Changes(ReferentialAction action) => action is ReferentialAction.Cascade or ReferentialAction.SetNull or ReferentialAction.SetDefault;

    /// <summary>Maps a catalog's action code (PostgreSQL <c>c</c>/<c>n</c>/<c>d</c>, SQLite <c>CASCADE</c>, <c>SET NULL</c>, <c>SET DEFAULT</c>).</summary>
    public static ReferentialAction Parse(string? code) => code?.ToUpperInvariant() switch
    {
        "C" or "CASCADE" => ReferentialAction.Cascade,
        "N" or "SET NULL" => ReferentialAction.SetNull,
        "D" or "SET DEFAULT" => ReferentialAction.SetDefault,
        _ => ReferentialAction.NoAction,
    };
}

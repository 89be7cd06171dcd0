using System.Collections.Frozen;
using System.IO.Hashing;
using System.Reflection;
using System.Text;
using CacheBot.Linq.Model;

namespace CacheBot.Linq.Providers;

/// <summary>
/// A table as CacheBot sees it: identity (database, schema, name), columns, primary key and associations (navigations).
/// </summary>
/// <remarks>
/// <para>Identity: <see cref="Id"/> hashes the database and the upper-cased name only (schema-blind), so SQL text that
/// spells a table differently still invalidates it; two tables sharing a name share stamps, which costs precision only.</para>
/// <para>Immutable: built once per (database, entity type, name override) by an <see cref="IEntityModel"/> and read forever.
/// A column belongs to one table (its <see cref="ColumnModel.Ordinal"/> is set here).</para>
/// <para>Documentation: docs/writing-an-integration.md.</para>
/// </remarks>
public sealed class TableModel
{
    private readonly FrozenDictionary<MemberInfo, ColumnModel> _columnsByMember;
    private readonly FrozenDictionary<MemberInfo, AssociationModel> _associations;

    /// <summary>Creates a table.</summary>
    /// <param name="database">The logical database name (<see cref="IEntityModel.Database"/>).</param>
    /// <param name="schema">The schema, or <see langword="null"/> for the default.</param>
    /// <param name="name">The table (or view) name as the database knows it.</param>
    /// <param name="entityType">The CLR type whose members hold the columns.</param>
    /// <param name="columns">The mapped columns (each instance used by this table only).</param>
    /// <param name="associations">The navigations of the entity type.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public TableModel(string database, string? schema, string name, Type entityType, IReadOnlyList<ColumnModel> columns, IReadOnlyList<AssociationModel> associations)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(associations);
        Database = database;
        Schema = schema;
        Name = name;
        EntityType = entityType;
        Columns = columns;
        for (var i = 0; i < columns.Count; i++)
        {
            columns[i].Ordinal = i;
        }

        _columnsByMember = columns.ToFrozenDictionary(static c => c.Member, MemberKeyComparer.Instance);
        _associations = associations.ToFrozenDictionary(static a => a.Member, MemberKeyComparer.Instance);
        var keys = new List<ColumnModel>();
        foreach (var c in columns)
        {
            if (c.IsPrimaryKey)
            {
                keys.Add(c);
            }
        }

        PrimaryKey = keys;
        QualifiedName = schema is null ? name : schema + "." + name;
        Id = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(database + "\u0001" + name.ToUpperInvariant()));
    }

    /// <summary>Gets the logical database name.</summary>
    public string Database { get; }

    /// <summary>Gets the schema, or <see langword="null"/>.</summary>
    public string? Schema { get; }

    /// <summary>Gets the table name.</summary>
    public string Name { get; }

    /// <summary>Gets <c>schema.name</c>, or the name alone.</summary>
    public string QualifiedName { get; }

    /// <summary>Gets the stable 64-bit identity of (database, name), case-insensitive and schema-blind; never an object reference.</summary>
    public ulong Id { get; }

    /// <summary>Gets the entity type (<see cref="object"/> for a table known only by name).</summary>
    public Type EntityType { get; }

    /// <summary>Gets the mapped columns, in ordinal order.</summary>
    public IReadOnlyList<ColumnModel> Columns { get; }

    /// <summary>Gets the primary-key columns (empty when unknown).</summary>
    public IReadOnlyList<ColumnModel> PrimaryKey { get; }

    /// <summary>
    /// Gets the other tables read whenever this table is read (inheritance tables joined or unioned with it, the tables of
    /// owned collections, split parts, tables a query filter reads). A query on this table depends on any row of each, so a
    /// write to one of them invalidates it. Empty by default.
    /// </summary>
    public IReadOnlyList<TableModel> CompanionTables { get; init; } = [];

    /// <summary>
    /// Gets the columns every read of this table uses although a query does not name them (a discriminator the provider
    /// adds to each read), or <see langword="null"/> (the default) when that is not known.
    /// </summary>
    /// <remarks>
    /// <para>Setting it (empty when there are none) opts the table into column-aware invalidation: a cached query depends
    /// only on the columns it names (plus these), and an update whose old and new row images agree on all of them does not
    /// invalidate it. The integration promises two things by setting it: the provider reads no other column of this table
    /// behind the query's back, and the row images it reports for this table hold the database's values (a column the
    /// database may change on its own, through a trigger, a default or a generated expression, is either re-read into the
    /// image or absent from it; an absent column counts as changed).</para>
    /// <para>Left <see langword="null"/>, every cached query on the table depends on all of its columns and every row write
    /// invalidates as before: sound for any integration.</para>
    /// </remarks>
    public IReadOnlyList<ColumnModel>? ImplicitlyReadColumns { get; init; }

    /// <summary>
    /// Gets columns the database itself keeps unique (its primary key or a unique constraint, read from the catalog), or
    /// <see langword="null"/> (the default) when the integration cannot vouch for one: the model's key alone is not enough
    /// (a view or a table without the constraint may hold duplicates).
    /// </summary>
    /// <remarks>
    /// A get (<c>First</c>/<c>Single</c>, with or without <c>OrDefault</c>) whose predicates pin all of these columns to
    /// non-null values finds at most one row. A row it found can then change only through writes whose old image has that
    /// row's values (an arrival cannot duplicate the key), and a row it did not find can appear only by an arrival, so its entry
    /// holds the keys of one direction: a found row survives inserts of rows CacheBot cannot see (PostgreSQL's binary
    /// COPY). Setting it is a promise that the database rejects a second row with the same values.
    /// </remarks>
    public IReadOnlyList<ColumnModel>? EnforcedUniqueKey { get; init; }

    /// <summary>Gets the navigations.</summary>
    public IEnumerable<AssociationModel> Associations => _associations.Values;

    /// <summary>A table known only by name (a write reported by name or parsed from SQL): no columns, so its writes are table writes.</summary>
    /// <param name="database">The logical database name.</param>
    /// <param name="schema">The schema, or <see langword="null"/>.</param>
    /// <param name="name">The table name.</param>
    /// <returns>The table.</returns>
    public static TableModel ForName(string database, string? schema, string name) => new(database, schema, name, typeof(object), [], []);

    /// <summary>Finds the column held by <paramref name="member"/>.</summary>
    /// <param name="member">A field or property of <see cref="EntityType"/>.</param>
    /// <returns>The column, or <see langword="null"/>.</returns>
    public ColumnModel? FindColumn(MemberInfo member) => _columnsByMember.GetValueOrDefault(member);

    /// <summary>Finds the navigation held by <paramref name="member"/>.</summary>
    /// <param name="member">A field or property of <see cref="EntityType"/>.</param>
    /// <returns>The navigation, or <see langword="null"/>.</returns>
    public AssociationModel? FindAssociation(MemberInfo member) => _associations.GetValueOrDefault(member);

    /// <inheritdoc/>
    public override string ToString() => Database + ":" + QualifiedName;
}

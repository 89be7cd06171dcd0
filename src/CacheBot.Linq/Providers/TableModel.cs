using System.Collections.Frozen;
using System.IO.Hashing;
using System.Reflection;
using System.Text;
using CacheBot.Linq.Model;

namespace CacheBot.Linq.Providers;

/// <summary>
/// A table as CacheBot sees it: identity (database, schema, name), columns, primary key and associations.
/// Built once per (database, entity type, name override) and read forever: frozen collections.
/// </summary>
internal sealed class TableModel
{
    private readonly FrozenDictionary<MemberInfo, ColumnModel> _columnsByMember;
    private readonly FrozenDictionary<MemberInfo, AssociationModel> _associations;

    public TableModel(string database, string? schema, string name, Type entityType, IReadOnlyList<ColumnModel> columns, IReadOnlyList<AssociationModel> associations)
    {
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
        // Case-insensitive and schema-blind: SQL text may spell a table differently from the mapping (case, with or without
        // its schema). Two tables that share a name share stamps, which only costs precision.
        Id = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(database + "\u0001" + name.ToUpperInvariant()));
    }

    public string Database { get; }

    /// <summary>A table known only by name (a table write reported by name or parsed from SQL).</summary>
    public static TableModel ForName(string database, string? schema, string name) => new(database, schema, name, typeof(object), [], []);

    public string? Schema { get; }

    public string Name { get; }

    /// <summary>Gets <c>schema.name</c>, or the name alone.</summary>
    public string QualifiedName { get; }

    /// <summary>Gets the stable 64-bit identity of (database, name), case-insensitive and schema-blind; never an object reference.</summary>
    public ulong Id { get; }

    public Type EntityType { get; }

    public IReadOnlyList<ColumnModel> Columns { get; }

    public IReadOnlyList<ColumnModel> PrimaryKey { get; }

    public IEnumerable<AssociationModel> Associations => _associations.Values;

    public ColumnModel? FindColumn(MemberInfo member) => _columnsByMember.GetValueOrDefault(member);

    public AssociationModel? FindAssociation(MemberInfo member) => _associations.GetValueOrDefault(member);

    public override string ToString() => Database + ":" + QualifiedName;
}

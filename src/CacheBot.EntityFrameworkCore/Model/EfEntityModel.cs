using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CacheBot.EntityFrameworkCore.Model;

/// <summary>
/// The entity model of one EF Core model on one database: a <see cref="TableModel"/> per entity type (keyed on
/// <see cref="IEntityType"/>, not on CLR types), its columns per store object, keys, navigations, and the tables read with it.
/// </summary>
/// <remarks>
/// <para>Identity: one model per (<see cref="IModel"/> instance, database id). <see cref="Fingerprint"/> hashes the database
/// id and a per-process serial of the model, so two databases or two models never share entries (keys are per process,
/// like linq2db's configuration id).</para>
/// <para>Tables: a query on an entity type reads its query store object (the view when it has one, else its table; for an
/// abstract TPC type, one of its concrete tables) and, as <see cref="TableModel.CompanionTables"/>, every other table of the
/// type and its derived types (TPT, TPC, entity splitting), the tables of owned types, the join tables of many-to-many
/// navigations that lead to it, and, when a query filter reads other tables, every table of the model.</para>
/// <para>Refused: entity types mapped to SQL (<c>ToSqlQuery</c>) or functions, property bags, owned types as roots, and any
/// root from which navigations reach such a type or a type whose query filter reads the DbContext.</para>
/// <para>Threading: tables are built lazily once per entity type in a <see cref="ConcurrentDictionary{TKey,TValue}"/>;
/// built models are immutable.</para>
/// </remarks>
internal sealed partial class EfEntityModel : IEntityModel
{
    private static readonly ConditionalWeakTable<IModel, ConcurrentDictionary<string, EfEntityModel>> Models = new();
    private static long s_serial;

    private readonly ConcurrentDictionary<IEntityType, TableModel?> _tables = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<IEntityType, bool> _refusedRoots = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<IEntityType, UInt128> _rootIdentities = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, TableModel> _byName = new(StringComparer.OrdinalIgnoreCase);
    private TableModel[]? _views;

    private EfEntityModel(IModel model, IModel? designModel, string database, StoreKind store, StoreFacts facts)
    {
        EfModel = model;
        DesignModel = designModel;
        Database = database;
        Store = store;
        Facts = facts;
        var serial = Interlocked.Increment(ref s_serial);
        Fingerprint = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes("efcore\u0001" + database + "\u0001" + serial.ToString(CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc/>
    public string Database { get; }

    /// <inheritdoc/>
    public UInt128 Fingerprint { get; }

    /// <summary>Gets EF's model.</summary>
    public IModel EfModel { get; }

    /// <summary>Gets EF's design-time model (collations live only there), or <see langword="null"/> for a compiled model.</summary>
    public IModel? DesignModel { get; }

    /// <summary>Gets the kind of database (comparison rules).</summary>
    public StoreKind Store { get; }

    /// <summary>Gets what the database's catalog says beyond the model (views, triggers, collations) when this model was built.</summary>
    public StoreFacts Facts { get; }

    /// <summary>
    /// Returns the shared model for <paramref name="model"/> on <paramref name="database"/> built on <paramref name="facts"/>
    /// (a new one, with a new fingerprint, when the facts were read again after DDL).
    /// </summary>
    public static EfEntityModel For(IModel model, Func<IModel?> designModel, string database, StoreKind store, StoreFacts facts)
    {
        var perModel = Models.GetValue(model, static _ => new ConcurrentDictionary<string, EfEntityModel>(StringComparer.Ordinal));
        return perModel.AddOrUpdate(
            database,
            static (db, state) => new EfEntityModel(state.Model, state.Design(), db, state.Store, state.Facts),
            static (db, existing, state) => ReferenceEquals(existing.Facts, state.Facts) ? existing : new EfEntityModel(state.Model, state.Design(), db, state.Store, state.Facts),
            (Model: model, Design: designModel, Store: store, Facts: facts));
    }

    /// <inheritdoc/>
    public TableModel? GetTable(Type entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return EfModel.FindEntityType(entityType) is { } type ? GetTable(type) : null;
    }

    /// <inheritdoc/>
    public TableModel? GetTable(Type entityType, string? schema, string name)
    {
        var table = GetTable(entityType);
        return table is not null && string.Equals(table.Name, name, StringComparison.Ordinal) && string.Equals(table.Schema, schema, StringComparison.Ordinal)
            ? table
            : null;
    }

    /// <summary>Returns the table model of <paramref name="entityType"/>, or <see langword="null"/> when it cannot be cached.</summary>
    public TableModel? GetTable(IEntityType entityType) =>
        _tables.GetOrAdd(entityType, static (type, self) => self.Build(type), this);

    /// <summary>Returns whether a query rooted at <paramref name="entityType"/> must not be cached (see the remarks).</summary>
    public bool IsRefusedRoot(IEntityType entityType) =>
        _refusedRoots.GetOrAdd(entityType, static (type, self) => self.ComputeRefused(type), this);

    /// <summary>Returns the key identity of a root of <paramref name="entityType"/> (a hash of its name; no allocation after the first call).</summary>
    public UInt128 RootIdentity(IEntityType entityType) =>
        _rootIdentities.GetOrAdd(entityType, static type => XxHash128.HashToUInt128(Encoding.UTF8.GetBytes("root\u0001" + type.Name)));

    /// <summary>
    /// Gets the views of the model and the model's tables that are views in the database (their base tables are unknown:
    /// every write through EF invalidates them).
    /// </summary>
    public TableModel[] Views => _views ??= BuildViews();

    /// <summary>Returns a table known by name (a write target parsed from SQL).</summary>
    public TableModel TableNamed(string? schema, string name) =>
        _byName.GetOrAdd((schema ?? string.Empty) + "\u0001" + name, static (_, state) => TableModel.ForName(state.Database, state.Schema, state.Name), (Database, Schema: schema, Name: name));

    private TableModel[] BuildViews()
    {
        var views = new List<TableModel>();
        foreach (var type in EfModel.GetEntityTypes())
        {
            if (type.GetViewName() is { } view && !views.Exists(v => v.Name == view && v.Schema == type.GetViewSchema()))
            {
                views.Add(TableNamed(type.GetViewSchema(), view));
            }
        }

        foreach (var table in EfModel.GetRelationalModel().Tables)
        {
            if (Facts.IsView(table.Name) && !views.Exists(v => v.Name == table.Name && v.Schema == table.Schema))
            {
                views.Add(TableNamed(table.Schema, table.Name));
            }
        }

        return [.. views];
    }

    private TableModel? Build(IEntityType type)
    {
        if (type.IsOwned() || type.IsPropertyBag || type.GetSqlQuery() is not null || type.GetFunctionName() is not null || type.ClrType.IsAbstract && type.GetDerivedTypes().All(d => d.ClrType.IsAbstract))
        {
            return null;
        }

        if (QueryStoreObject(type) is not { } store)
        {
            return null;
        }

        var columns = new List<Linq.Providers.ColumnModel>();
        foreach (var property in type.GetProperties())
        {
            if (property.IsIndexerProperty() || (property.PropertyInfo as MemberInfo ?? property.FieldInfo) is not { } member || property.GetColumnName(store) is not { } column)
            {
                continue;
            }

            // The database's own comparison rule (catalog) coarsens what the model says; a value converted to text in a column
            // that does not compare ordinally (an enum stored as text under NOCASE) never forms a scheme.
            var text = property.ClrType == typeof(string) || (Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType) == typeof(char);
            var matching = text
                ? Facts.Restrict(store.Name, column, property.ClrType == typeof(string) ? ColumnRules.StringMatchingOf(property, store, Store, DesignModel) : StringMatching.Ordinal)
                : StringMatching.Ordinal;
            var storedAsText = !text && property.GetTypeMapping().Converter?.ProviderClrType == typeof(string);
            var excluded = ColumnRules.ExcludeFromSchemes(property, store, Store, DesignModel)
                || (storedAsText && Facts.Restrict(store.Name, column, StringMatching.Ordinal) != StringMatching.Ordinal);
            columns.Add(new Linq.Providers.ColumnModel(member, column, property.IsPrimaryKey(), matching, excluded, ColumnRules.TemporalPrecisionTicks(Store)));
        }

        var associations = new List<AssociationModel>();
        foreach (var navigation in type.GetNavigations())
        {
            if (navigation.TargetEntityType.IsOwned() || (navigation.PropertyInfo as MemberInfo ?? navigation.FieldInfo) is not { } member)
            {
                continue; // owned rows live in this table or in a companion table
            }

            associations.Add(BuildAssociation(member, navigation));
        }

        foreach (var skip in type.GetSkipNavigations())
        {
            if ((skip.PropertyInfo as MemberInfo ?? skip.FieldInfo) is { } member)
            {
                // A many-to-many navigation reads its join table on the way: a dependency of the queries that follow it.
                var through = new List<(string? Schema, string Name)>();
                AddStoreObjects(skip.JoinEntityType, through);
                associations.Add(new AssociationModel(member, skip.TargetEntityType.ClrType, isCollection: true, [], [])
                {
                    ThroughTables = [.. through.Select(t => TableNamed(t.Schema, t.Name))],
                });
            }
        }

        if (Facts.IsOpaque(store.Name) || (!Facts.IsKnown && type.GetViewName() is not null))
        {
            return null; // its answers can change without a write (row-level security, a volatile view, a foreign table)
        }

        var companions = new List<TableModel>();
        foreach (var (schema, name) in TablesReadBy(type))
        {
            if (Facts.IsOpaque(name))
            {
                return null;
            }

            if (!(string.Equals(name, store.Name, StringComparison.Ordinal) && string.Equals(schema, store.Schema, StringComparison.Ordinal)))
            {
                companions.Add(TableNamed(schema, name));
            }
        }

        return new TableModel(Database, store.Schema, store.Name, type.ClrType, columns, associations) { CompanionTables = companions };
    }

    private static AssociationModel BuildAssociation(MemberInfo member, INavigation navigation)
    {
        var foreignKey = navigation.ForeignKey;
        var (thisProperties, otherProperties) = navigation.IsOnDependent
            ? (foreignKey.Properties, foreignKey.PrincipalKey.Properties)
            : (foreignKey.PrincipalKey.Properties, foreignKey.Properties);
        var thisKeys = new MemberInfo[thisProperties.Count];
        var otherKeys = new MemberInfo[otherProperties.Count];
        for (var i = 0; i < thisKeys.Length; i++)
        {
            if ((thisProperties[i].PropertyInfo as MemberInfo ?? thisProperties[i].FieldInfo) is not { } t
                || (otherProperties[i].PropertyInfo as MemberInfo ?? otherProperties[i].FieldInfo) is not { } o)
            {
                // A shadow key: the join cannot be followed by member; the target is read as "any row".
                return new AssociationModel(member, navigation.TargetEntityType.ClrType, navigation.IsCollection, [], []);
            }

            thisKeys[i] = t;
            otherKeys[i] = o;
        }

        // EF Core includes a required reference navigation with an inner join; only a clearly optional one keeps its owners.
        return new AssociationModel(member, navigation.TargetEntityType.ClrType, navigation.IsCollection, thisKeys, otherKeys)
        {
            IsOptional = navigation.IsOnDependent ? !foreignKey.IsRequired : !foreignKey.IsRequiredDependent,
        };
    }

    /// <summary>The store object a query on <paramref name="type"/> reads: its view, its table, or (abstract TPC) a concrete table.</summary>
    private static StoreObjectIdentifier? QueryStoreObject(IEntityType type)
    {
        if (type.GetViewName() is not null)
        {
            return StoreObjectIdentifier.Create(type, StoreObjectType.View);
        }

        if (type.GetTableName() is not null)
        {
            return StoreObjectIdentifier.Create(type, StoreObjectType.Table);
        }

        foreach (var derived in type.GetDerivedTypes())
        {
            if (derived.GetTableName() is not null)
            {
                return StoreObjectIdentifier.Create(derived, StoreObjectType.Table);
            }
        }

        return null;
    }
}

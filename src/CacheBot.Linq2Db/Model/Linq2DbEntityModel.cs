using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Reflection;
using System.Text;
using CacheBot.Linq.Model;
using LinqToDB;
using LinqToDB.Mapping;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq2Db.Model;

/// <summary>
/// The entity model of one linq2db database and mapping: tables, columns, primary keys and associations read from the
/// <see cref="MappingSchema"/> exactly as linq2db reads them (with the connection's <c>OnEntityDescriptorCreated</c> callback).
/// </summary>
/// <remarks>
/// <para>Identity: one model per (<see cref="CacheBotOptionSet.DatabaseId"/>, <c>MappingSchema.ConfigurationID</c>), shared
/// by every connection with that database and mapping. <see cref="Fingerprint"/> hashes both, so two databases or two
/// mappings never share cache entries. <c>ConfigurationID</c> is a per-process counter: keys are stable within a process
/// (enough for the in-memory store; a distributed store would need a content hash of the mapping).</para>
/// <para>Threading: tables are built lazily, once per (type, name override), in a <see cref="ConcurrentDictionary{TKey,TValue}"/>;
/// a built <see cref="TableModel"/> is immutable.</para>
/// <para>Soundness: a column whose stored value may not follow its CLR value one to one (a value converter, an enum or
/// <see langword="bool"/> stored as text, a string column of a provider whose collation is unknown) never forms a scheme,
/// so writes to it invalidate coarsely rather than miss an entry.</para>
/// </remarks>
internal sealed class Linq2DbEntityModel : IEntityModel
{
    private static readonly ConcurrentDictionary<(string DatabaseId, int MappingId), Linq2DbEntityModel> Models = new();

    private readonly MappingSchema _mappingSchema;
    private readonly Action<MappingSchema, IEntityChangeDescriptor>? _onEntityDescriptorCreated;
    private readonly ConcurrentDictionary<(Type Type, string? Schema, string? Name), TableModel?> _tables = new();

    private Linq2DbEntityModel(string databaseId, MappingSchema mappingSchema, Action<MappingSchema, IEntityChangeDescriptor>? onCreated, string? providerName)
    {
        Database = databaseId;
        _mappingSchema = mappingSchema;
        _onEntityDescriptorCreated = onCreated;
        Provider = providerName ?? databaseId;
        StringMatching = StringMatchingFor(Provider);
        var id = ((LinqToDB.Internal.Common.IConfigurationID)mappingSchema).ConfigurationID;
        Fingerprint = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes("linq2db\u0001" + databaseId + "\u0001" + id.ToString(CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc/>
    public string Database { get; }

    /// <inheritdoc/>
    public UInt128 Fingerprint { get; }

    /// <summary>Gets the linq2db provider name (or the database id when unknown).</summary>
    public string Provider { get; }

    private bool IsSQLite => Provider.StartsWith(ProviderName.SQLite, StringComparison.OrdinalIgnoreCase);

    private bool IsPostgreSQL => Provider.StartsWith(ProviderName.PostgreSQL, StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets the storage precision of date and time values: milliseconds on SQLite (linq2db's text format), microseconds on PostgreSQL.</summary>
    private long TemporalPrecisionTicks => IsSQLite ? TimeSpan.TicksPerMillisecond : IsPostgreSQL ? 10 : 1;

    /// <summary>Gets how string columns of this database compare (by provider).</summary>
    public StringMatching StringMatching { get; }

    /// <summary>Returns the model for the database and mapping of <paramref name="dataContext"/> (shared, built once).</summary>
    public static Linq2DbEntityModel For(IDataContext dataContext, CacheBotOptionSet set)
    {
        ArgumentNullException.ThrowIfNull(dataContext);
        ArgumentNullException.ThrowIfNull(set);
        var mappingSchema = dataContext.MappingSchema;
        var mappingId = ((LinqToDB.Internal.Common.IConfigurationID)mappingSchema).ConfigurationID;
        return Models.GetOrAdd(
            (set.DatabaseId, mappingId),
            static (key, state) => new Linq2DbEntityModel(
                key.DatabaseId,
                state.MappingSchema,
                state.Context.Options.ConnectionOptions.OnEntityDescriptorCreated,
                state.Context.Options.ConnectionOptions.DataProvider?.Name),
            (MappingSchema: mappingSchema, Context: dataContext));
    }

    /// <summary>Returns how the provider named <paramref name="providerName"/> compares strings with <c>=</c>.</summary>
    public static StringMatching StringMatchingFor(string providerName)
    {
        ArgumentNullException.ThrowIfNull(providerName);
        if (providerName.StartsWith(ProviderName.SQLite, StringComparison.OrdinalIgnoreCase)
            || providerName.StartsWith(ProviderName.PostgreSQL, StringComparison.OrdinalIgnoreCase))
        {
            return StringMatching.Ordinal;
        }

        if (providerName.StartsWith(ProviderName.SqlServer, StringComparison.OrdinalIgnoreCase)
            || providerName.StartsWith(ProviderName.MySql, StringComparison.OrdinalIgnoreCase)
            || providerName.StartsWith("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            return StringMatching.IgnoreCaseAndTrailingSpaces;
        }

        return StringMatching.Excluded;
    }

    /// <inheritdoc/>
    public TableModel? GetTable(Type entityType) =>
        _tables.GetOrAdd((entityType, null, null), static (key, self) => self.Build(key.Type, null, null, false), this);

    /// <inheritdoc/>
    public TableModel? GetTable(Type entityType, string? schema, string name) =>
        _tables.GetOrAdd((entityType, schema, name), static (key, self) => self.Build(key.Type, key.Schema, key.Name, true), this);

    /// <summary>
    /// Finds a table built so far by name (case-insensitive), for writes reported by table name. A <see langword="null"/>
    /// <paramref name="schema"/> matches any schema; a table without schema matches any <paramref name="schema"/>.
    /// </summary>
    public bool TryFindTable(string? schema, string name, out TableModel table)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var candidate in _tables.Values)
        {
            if (candidate is not null
                && string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase)
                && (schema is null || candidate.Schema is null || string.Equals(candidate.Schema, schema, StringComparison.OrdinalIgnoreCase)))
            {
                table = candidate;
                return true;
            }
        }

        table = null!;
        return false;
    }

    /// <summary>Returns the linq2db descriptor of <paramref name="entityType"/>, created with the connection's callback like linq2db does.</summary>
    public EntityDescriptor GetDescriptor(Type entityType) => _mappingSchema.GetEntityDescriptor(entityType, _onEntityDescriptorCreated);

    private TableModel? Build(Type type, string? schemaOverride, string? nameOverride, bool overridden)
    {
        if (!EntityTypes.IsCandidate(type))
        {
            return null;
        }

        var descriptor = GetDescriptor(type);
        if (!QueryFilterCatalog.For(this, _mappingSchema).CanCache(descriptor))
        {
            // A query filter CacheBot cannot expand and key (a function filter, a data-context use other than member reads):
            // the entity's queries are not cached (refused as an unidentified table). See QueryFilterCatalog.
            return null;
        }

        var columns = new List<ColumnModel>(descriptor.Columns.Count);
        foreach (var column in descriptor.Columns)
        {
            if (column.MemberName.Contains('.', StringComparison.Ordinal))
            {
                continue; // A complex-type member ("Address.City"): no direct member to match; it never narrows.
            }

            columns.Add(new ColumnModel(column.MemberInfo, column.ColumnName, column.IsPrimaryKey, StringMatching, ExcludeFromSchemes(column), TemporalPrecisionTicks));
        }

        var associations = new List<AssociationModel>(descriptor.Associations.Count);
        foreach (var association in descriptor.Associations)
        {
            associations.Add(BuildAssociation(descriptor, association));
        }

        return overridden
            ? new TableModel(Database, schemaOverride, nameOverride!, type, columns, associations)
            : new TableModel(Database, descriptor.SchemaName, descriptor.TableName, type, columns, associations);
    }

    private AssociationModel BuildAssociation(EntityDescriptor owner, AssociationDescriptor association)
    {
        var target = association.GetElementType();
        if (association.HasQueryMethod() || association.ThisKey.Length == 0 || association.ThisKey.Length != association.OtherKey.Length)
        {
            // A query-method association: its keys do not describe which rows it reads (empty keys: "any row" of the target).
            return new AssociationModel(association.MemberInfo, target, association.IsList, [], []);
        }

        var targetDescriptor = GetDescriptor(target);
        var thisKeys = new MemberInfo[association.ThisKey.Length];
        var otherKeys = new MemberInfo[association.OtherKey.Length];
        for (var i = 0; i < thisKeys.Length; i++)
        {
            var thisColumn = owner[association.ThisKey[i]];
            var otherColumn = targetDescriptor[association.OtherKey[i]];
            if (thisColumn is null || otherColumn is null)
            {
                return new AssociationModel(association.MemberInfo, target, association.IsList, [], []);
            }

            thisKeys[i] = thisColumn.MemberInfo;
            otherKeys[i] = otherColumn.MemberInfo;
        }

        // An extra association predicate only narrows the rows the keys select, so the keys stay a sound dependency.
        return new AssociationModel(association.MemberInfo, target, association.IsList, thisKeys, otherKeys);
    }

    private bool ExcludeFromSchemes(ColumnDescriptor column)
    {
        if (column.ValueConverter is not null)
        {
            return true;
        }

        var type = Nullable.GetUnderlyingType(column.MemberType) ?? column.MemberType;

        // Fixed-length strings compare ignoring their padding, but row images come back padded.
        if (type == typeof(string) && column.DataType is DataType.Char or DataType.NChar)
        {
            return true;
        }

        // SQLite stores decimals as REAL or INTEGER: a row image cannot reproduce every decimal a query compares with.
        if (type == typeof(decimal) && IsSQLite)
        {
            return true;
        }

        // Date and time storage precision is known for SQLite and PostgreSQL only.
        if ((type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(TimeOnly))
            && !IsSQLite && !IsPostgreSQL)
        {
            return true;
        }

        if (type.IsEnum)
        {
            return IsText(column.DataType) || HasMapValues(type);
        }

        return type == typeof(bool) && IsText(column.DataType);
    }

    private static bool IsText(DataType dataType) =>
        dataType is DataType.Char or DataType.VarChar or DataType.Text or DataType.NChar or DataType.NVarChar or DataType.NText;

    private static bool HasMapValues(Type enumType)
    {
        foreach (var field in enumType.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.IsDefined(typeof(MapValueAttribute), inherit: false))
            {
                return true;
            }
        }

        return false;
    }
}

using CacheBot.Linq.Providers.Sql;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using CacheBot.Linq.Model;
using LinqToDB;
using LinqToDB.Mapping;
using CacheBot.Linq.Providers;
using CacheBot.Linq2Db.Schema;

namespace CacheBot.Linq2Db.Model;

/// <summary>
/// The entity model of one linq2db database and mapping: tables, columns, primary keys and associations read from the
/// <see cref="MappingSchema"/> exactly as linq2db reads them (with the connection's <c>OnEntityDescriptorCreated</c> callback),
/// and, for SQLite and PostgreSQL, checked against the database catalog (<see cref="SchemaCatalog"/>).
/// </summary>
/// <remarks>
/// <para>Identity: one model per (database, <c>MappingSchema.ConfigurationID</c>), held by the database's catalog and
/// shared by every connection with that database and mapping (a private database's model lives and dies with its
/// connection). <see cref="Fingerprint"/> hashes both, so two databases or two mappings never share cache entries.
/// <c>ConfigurationID</c> is a per-process counter: keys are stable within a process (enough for the in-memory store; a
/// distributed store would need a content hash of the mapping).</para>
/// <para>Threading: tables are built lazily on query misses, per (type, name override), in a
/// <see cref="ConcurrentDictionary{TKey,TValue}"/>; a built <see cref="TableModel"/> is immutable. Each lookup compares the
/// catalog's current column facts with the ones the table was built from and rebuilds it when they changed (DDL).</para>
/// <para>Soundness: a table the catalog does not know (another database, a temporary table of another session), or a
/// relation whose reads cannot be tied to tracked writes (a view calling non-immutable functions, a foreign table,
/// row-level security), is not cached. A column narrows only when its stored values compare exactly like the values a
/// query holds: mapping conversions are analysed (<see cref="ColumnValueMapping"/>), text compares per the column's
/// collation and padding from the catalog, and when the catalog cannot be read the table is not cached.</para>
/// </remarks>
internal sealed class Linq2DbEntityModel : IEntityModel
{
    private static readonly ConcurrentDictionary<(string DatabaseId, int MappingId), Linq2DbEntityModel> RefusingModels = new();

    private readonly MappingSchema _mappingSchema;
    private readonly Action<MappingSchema, IEntityChangeDescriptor>? _onEntityDescriptorCreated;
    private readonly SchemaCatalog? _catalog;
    private readonly bool _refuseAll;
    private readonly ConcurrentDictionary<(Type Type, string? Schema, string? Name), (TableModel? Table, string Signature)> _tables = new();

    private Linq2DbEntityModel(
        string databaseId, MappingSchema mappingSchema, Action<MappingSchema, IEntityChangeDescriptor>? onCreated, string? providerName, SchemaCatalog? catalog,
        bool refuseAll)
    {
        Database = databaseId;
        _mappingSchema = mappingSchema;
        _onEntityDescriptorCreated = onCreated;
        _catalog = catalog is { IsSupported: true } ? catalog : null;
        _refuseAll = refuseAll;
        Provider = providerName ?? databaseId;
        StringMatching = StringMatchingFor(Provider);
        var id = ((LinqToDB.Internal.Common.IConfigurationID)mappingSchema).ConfigurationID;
        Fingerprint = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(
            "linq2db\u0001" + databaseId + "\u0001" + id.ToString(CultureInfo.InvariantCulture) + (refuseAll ? "\u0001refused" : string.Empty)));
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

    /// <summary>Gets how string columns of this database compare when the catalog does not say (by provider).</summary>
    public StringMatching StringMatching { get; }

    /// <summary>
    /// Returns the model for the database and mapping of <paramref name="dataContext"/> (shared, built once). When the
    /// context's reads must not be cached (several possible servers, a private database reopened per query), the model
    /// knows no table, so every query runs uncached.
    /// </summary>
    public static Linq2DbEntityModel For(IDataContext dataContext, CacheBotOptionSet set)
    {
        ArgumentNullException.ThrowIfNull(dataContext);
        ArgumentNullException.ThrowIfNull(set);
        var mappingSchema = dataContext.MappingSchema;
        var mappingId = ((LinqToDB.Internal.Common.IConfigurationID)mappingSchema).ConfigurationID;
        var providerName = dataContext.Options.ConnectionOptions.DataProvider?.Name ?? set.ProviderName;
        var reads = set.ForReads(dataContext);
        if (reads is null)
        {
            return RefusingModels.GetOrAdd(
                (set.DatabaseId, mappingId),
                static (key, state) => new Linq2DbEntityModel(key.DatabaseId, state.MappingSchema, null, state.providerName, null, refuseAll: true),
                (MappingSchema: mappingSchema, providerName));
        }

        return reads.Schema.Models.GetOrAdd(
            mappingId,
            static (_, state) => new Linq2DbEntityModel(
                state.Reads.DatabaseId,
                state.MappingSchema,
                state.Context.Options.ConnectionOptions.OnEntityDescriptorCreated,
                state.providerName,
                state.Reads.Schema,
                refuseAll: false),
            (MappingSchema: mappingSchema, Context: dataContext, Reads: reads, providerName));
    }

    /// <summary>
    /// Returns how the provider named <paramref name="providerName"/> compares strings with <c>=</c> when its catalog
    /// does not say: ordinal for SQLite and PostgreSQL (whose columns' collations the catalog then refines), else
    /// <see cref="StringMatching.Excluded"/>. CacheBot does not read other catalogs, and their usual collations cannot be
    /// folded exactly (MySQL 8's default <c>utf8mb4_0900_ai_ci</c> ignores accents; SQL Server's Windows collations
    /// expand <c>ß</c> to <c>ss</c>): what cannot be learnt does not narrow.
    /// </summary>
    public static StringMatching StringMatchingFor(string providerName)
    {
        ArgumentNullException.ThrowIfNull(providerName);
        return providerName.StartsWith(ProviderName.SQLite, StringComparison.OrdinalIgnoreCase)
            || providerName.StartsWith(ProviderName.PostgreSQL, StringComparison.OrdinalIgnoreCase)
            ? StringMatching.Ordinal
            : StringMatching.Excluded;
    }

    /// <inheritdoc/>
    public TableModel? GetTable(Type entityType) => GetTable(entityType, null, null, overridden: false);

    /// <inheritdoc/>
    public TableModel? GetTable(Type entityType, string? schema, string name) => GetTable(entityType, schema, name, overridden: true);

    /// <summary>
    /// Finds a table built so far by name (case-insensitive), for writes reported by table name. A <see langword="null"/>
    /// <paramref name="schema"/> matches any schema; a table without schema matches any <paramref name="schema"/>.
    /// </summary>
    public bool TryFindTable(string? schema, string name, out TableModel table)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (candidate, _) in _tables.Values)
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

    private TableModel? GetTable(Type type, string? schemaOverride, string? nameOverride, bool overridden)
    {
        if (_refuseAll || _catalog is { IsClosed: true } || !EntityTypes.IsCandidate(type))
        {
            return null;
        }

        var key = (type, schemaOverride, nameOverride);
        var descriptor = GetDescriptor(type);
        TableFacts? facts = null;
        if (_catalog is not null)
        {
            var relation = overridden ? new RelationRef(schemaOverride, nameOverride!) : new RelationRef(descriptor.SchemaName, descriptor.TableName);
            if (!_catalog.TryGetForModel(relation, out facts) || facts is null || facts.IsOpaque)
            {
                // Unknown to the catalog (another database, another session's temporary table), unreadable, or read-opaque:
                // the table's queries are not cached. Not remembered: the catalog may answer on the next miss.
                return null;
            }
        }

        var signature = facts?.ColumnSignature ?? string.Empty;
        if (_tables.TryGetValue(key, out var known) && string.Equals(known.Signature, signature, StringComparison.Ordinal))
        {
            return known.Table;
        }

        var table = Build(type, descriptor, schemaOverride, nameOverride, overridden, facts);
        _tables[key] = (table, signature);
        return table;
    }

    private TableModel? Build(Type type, EntityDescriptor descriptor, string? schemaOverride, string? nameOverride, bool overridden, TableFacts? facts)
    {
        if (!QueryFilterCatalog.For(this, _mappingSchema).CanCache(descriptor))
        {
            // A query filter CacheBot cannot expand and key (a function filter, a data-context use other than member reads):
            // the entity's queries are not cached (refused as an unidentified table). See QueryFilterCatalog.
            return null;
        }

        if (HasExpressionMembers(type))
        {
            // A member mapped to an expression ([ExpressionMethod], also as a computed column loaded with every row) is
            // expanded by linq2db into SQL that may read any table: the entity's queries are not cached.
            return null;
        }

        var columns = new List<ColumnModel>(descriptor.Columns.Count);
        foreach (var column in descriptor.Columns)
        {
            if (column.MemberName.Contains('.', StringComparison.Ordinal))
            {
                continue; // A complex-type member ("Address.City"): no direct member to match; it never narrows.
            }

            var matching = MatchingOf(column, facts);
            var (excludeMapping, map) = ColumnValueMapping.Analyze(column, _mappingSchema, matching);
            var exclude = excludeMapping || (map is null && ExcludeFromSchemes(column));
            var storage = column.StorageInfo is { } stored && stored != column.MemberInfo ? stored : null;
            // A date-only column (DataType.Date) receives parameters truncated to the day: only midnight values narrow.
            var precision = column.DataType == DataType.Date ? TimeSpan.TicksPerDay : TemporalPrecisionTicks;
            columns.Add(new ColumnModel(column.MemberInfo, column.ColumnName, column.IsPrimaryKey, matching, exclude, precision, map, storage));
        }

        var associations = new List<AssociationModel>(descriptor.Associations.Count);
        foreach (var association in descriptor.Associations)
        {
            associations.Add(BuildAssociation(descriptor, association));
        }

        // Column-aware invalidation: linq2db reads only the columns a query names, except the discriminator of an inheritance
        // mapping (left unknown then: every column counts as read); the write path's images are the database's rows
        // (pre-image SELECT, RETURNING). A derived type's own descriptor has no inheritance mapping (its base holds it), but
        // it maps the base's discriminator column.
        var inheritance = descriptor.InheritanceMapping.Count > 0 || descriptor.Columns.Any(static c => c.IsDiscriminator);
        IReadOnlyList<ColumnModel>? implicitColumns = inheritance ? null : [];
        var (schema, name) = overridden ? (schemaOverride, nameOverride!) : (descriptor.SchemaName, descriptor.TableName);
        return new TableModel(Database, schema, name, type, columns, associations)
        {
            ImplicitlyReadColumns = implicitColumns,
            EnforcedUniqueKey = EnforcedKey(columns, facts),
        };
    }

    /// <summary>
    /// The primary key the catalog reports for a table (not a view), as model columns: the database rejects a second row with
    /// its values. Null without catalog facts, when a key column is not mapped, and for a table whose reads include other
    /// tables' rows (PostgreSQL inheritance children or partitions: a parent's key does not span its children).
    /// </summary>
    private static ColumnModel[]? EnforcedKey(List<ColumnModel> columns, TableFacts? facts)
    {
        if (facts is not { Kind: RelationKind.Table, PrimaryKey.Count: > 0, WrittenWith.Count: 0 })
        {
            return null;
        }

        var key = new ColumnModel[facts.PrimaryKey.Count];
        for (var i = 0; i < key.Length; i++)
        {
            if (columns.Find(c => string.Equals(c.Name, facts.PrimaryKey[i], StringComparison.Ordinal)) is not { } column)
            {
                return null;
            }

            key[i] = column;
        }

        return key;
    }

    /// <summary>
    /// How the database compares the column's text: from the catalog (collation, padding, affinity) when it is read,
    /// else by provider; a column the mapping declares fixed-length (<c>DataType.Char</c>, <c>DbType = "char(n)"</c>) also
    /// ignores trailing spaces.
    /// </summary>
    private StringMatching MatchingOf(ColumnDescriptor column, TableFacts? facts)
    {
        var matching = _catalog is null ? StringMatching : facts?.FindColumn(column.ColumnName)?.Matching ?? StringMatching.Excluded;
        var dbType = column.DbType?.TrimStart().ToUpperInvariant() ?? string.Empty;
        var fixedLength = column.DataType is DataType.Char or DataType.NChar
            || dbType.StartsWith("CHAR", StringComparison.Ordinal) && !dbType.StartsWith("CHARACTER VARYING", StringComparison.Ordinal)
            || dbType.StartsWith("NCHAR", StringComparison.Ordinal) || dbType.StartsWith("BPCHAR", StringComparison.Ordinal);
        if (!fixedLength)
        {
            return matching;
        }

        return matching switch
        {
            StringMatching.Ordinal => StringMatching.TrailingSpaces,
            StringMatching.AsciiIgnoreCase => StringMatching.AsciiIgnoreCaseAndTrailingSpaces,
            _ => matching,
        };
    }

    private AssociationModel BuildAssociation(EntityDescriptor owner, AssociationDescriptor association)
    {
        var target = association.GetElementType();

        // Its query (a query-method association) or extra predicate may read other tables on the way (a link table): those
        // are its through tables; when they cannot be named, queries that follow it are not cached.
        var reads = AssociationQueryReads.Find(this, owner.ObjectType, association);
        IReadOnlyList<TableModel> through = reads is null ? [] : [.. reads.Where(t => t != target).Select(ThroughTable)];
        if (association.HasQueryMethod() || association.ThisKey.Length == 0 || association.ThisKey.Length != association.OtherKey.Length)
        {
            // Its keys do not describe which rows it reads (empty keys: "any row" of the target).
            return new AssociationModel(association.MemberInfo, target, association.IsList, [], []) { ThroughTables = through, ReadsUnnamedTables = reads is null };
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
                return new AssociationModel(association.MemberInfo, target, association.IsList, [], []) { ThroughTables = through, ReadsUnnamedTables = reads is null };
            }

            thisKeys[i] = thisColumn.MemberInfo;
            otherKeys[i] = otherColumn.MemberInfo;
        }

        // An extra association predicate only narrows the rows the keys select, so the keys stay a sound dependency (with
        // the tables it reads, if any); the columns it reads count as read by the queries that follow it.
        var condition = association.Predicate as LambdaExpression ?? association.GetPredicate(owner.ObjectType, target) as LambdaExpression;
        return new AssociationModel(association.MemberInfo, target, association.IsList, thisKeys, otherKeys)
        {
            ThroughTables = through, ReadsUnnamedTables = reads is null, Condition = condition, IsOptional = association.CanBeNull,
        };
    }

    /// <summary>Whether a property or field of the type is mapped to an expression (attribute or fluent mapping).</summary>
    private bool HasExpressionMembers(Type type)
    {
        const BindingFlags members = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (var member in type.GetMembers(members))
        {
            if (member is PropertyInfo or FieldInfo && _mappingSchema.HasAttribute<ExpressionMethodAttribute>(type, member))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A table read on the way by a query-method association, named as the entity's mapping names it.</summary>
    private TableModel ThroughTable(Type entityType)
    {
        var descriptor = GetDescriptor(entityType);
        return TableModel.ForName(Database, descriptor.SchemaName, descriptor.TableName);
    }

    /// <summary>Rules for columns whose mapping keeps the CLR value (no stored-value map): storage linq2db does not convert exactly.</summary>
    private bool ExcludeFromSchemes(ColumnDescriptor column)
    {
        var type = Nullable.GetUnderlyingType(column.MemberType) ?? column.MemberType;

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

        // An enum or bool declared as text is stored in the provider's own spelling: not compared exactly.
        return (type.IsEnum || type == typeof(bool)) && IsText(column.DataType);
    }

    private static bool IsText(DataType dataType) =>
        dataType is DataType.Char or DataType.VarChar or DataType.Text or DataType.NChar or DataType.NVarChar or DataType.NText;
}

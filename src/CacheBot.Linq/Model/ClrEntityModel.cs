using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using System.IO.Hashing;
using System.Reflection;
using System.Text;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Model;

/// <summary>
/// The entity model of plain CLR types, for LINQ-to-Objects and any provider without a mapping:
/// <c>[Table]</c>, <c>[Key]</c>, <c>[ForeignKey]</c>, <c>[InverseProperty]</c>, <c>[NotMapped]</c>, and the conventions
/// <c>Id</c> / <c>{Type}Id</c> for keys and <c>{Navigation}Id</c> / <c>{Owner}Id</c> for foreign keys.
/// </summary>
internal sealed class ClrEntityModel : IEntityModel
{
    private readonly ConcurrentDictionary<(Type Type, string? Schema, string? Name), TableModel?> _tables = new();

    public ClrEntityModel(string database)
    {
        Database = database;
        Fingerprint = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes("clr\u0001" + database));
    }

    public string Database { get; }

    public UInt128 Fingerprint { get; }

    public TableModel? GetTable(Type entityType) => _tables.GetOrAdd((entityType, null, null), static (k, self) => self.Build(k.Type, null, null), this);

    public TableModel? GetTable(Type entityType, string? schema, string name) =>
        _tables.GetOrAdd((entityType, schema, name), static (k, self) => self.Build(k.Type, k.Schema, k.Name), this);

    private TableModel? Build(Type type, string? schemaOverride, string? nameOverride)
    {
        if (!EntityTypes.IsCandidate(type))
        {
            return null;
        }

        var table = type.GetCustomAttribute<TableAttribute>();
        var name = nameOverride ?? table?.Name ?? type.Name;
        var schema = nameOverride is not null ? schemaOverride : table?.Schema;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var keyNames = FindKeyNames(type, properties);
        var columns = new List<ColumnModel>();
        var associations = new List<AssociationModel>();
        foreach (var property in properties)
        {
            if (property.GetIndexParameters().Length > 0 || property.GetCustomAttribute<NotMappedAttribute>() is not null || !property.CanRead)
            {
                continue;
            }

            if (ValueEncoder.IsEncodable(property.PropertyType))
            {
                var columnName = property.GetCustomAttribute<ColumnAttribute>()?.Name ?? property.Name;
                columns.Add(new ColumnModel(property, columnName, keyNames.Contains(property.Name), StringMatching.Ordinal));
            }
            else if (TryBuildAssociation(type, property, properties) is { } association)
            {
                associations.Add(association);
            }
        }

        // Plain CLR rows: a query reads the members it names and nothing else.
        return new TableModel(Database, schema, name, type, columns, associations) { ImplicitlyReadColumns = [] };
    }

    private static HashSet<string> FindKeyNames(Type type, PropertyInfo[] properties)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in properties)
        {
            if (p.GetCustomAttribute<KeyAttribute>() is not null)
            {
                keys.Add(p.Name);
            }
        }

        if (keys.Count == 0)
        {
            foreach (var p in properties)
            {
                if (p.Name == "Id" || p.Name == type.Name + "Id")
                {
                    keys.Add(p.Name);
                    break;
                }
            }
        }

        return keys;
    }

    private static AssociationModel? TryBuildAssociation(Type owner, PropertyInfo navigation, PropertyInfo[] ownerProperties)
    {
        var type = navigation.PropertyType;
        var element = GetCollectionElement(type);
        if (element is not null && EntityTypes.IsCandidate(element))
        {
            var ownerKeys = KeysOf(owner, ownerProperties);
            var targetProperties = element.GetProperties(BindingFlags.Public | BindingFlags.Instance);
            var inverse = navigation.GetCustomAttribute<InversePropertyAttribute>()?.Property;
            PropertyInfo? fk = null;
            if (inverse is not null && element.GetProperty(inverse) is { } inverseNav)
            {
                fk = ForeignKeyOf(inverseNav, targetProperties);
            }

            fk ??= Array.Find(targetProperties, p => p.Name == owner.Name + "Id");
            return fk is not null && ownerKeys.Count == 1
                ? new AssociationModel(navigation, element, true, ownerKeys, [fk])
                : new AssociationModel(navigation, element, true, [], []);
        }

        if (!EntityTypes.IsCandidate(type))
        {
            return null;
        }

        var targetKeys = KeysOf(type, type.GetProperties(BindingFlags.Public | BindingFlags.Instance));
        var thisKey = ForeignKeyOf(navigation, ownerProperties);
        return thisKey is not null && targetKeys.Count == 1
            ? new AssociationModel(navigation, type, false, [thisKey], targetKeys)
            : new AssociationModel(navigation, type, false, [], []);
    }

    private static PropertyInfo? ForeignKeyOf(PropertyInfo navigation, PropertyInfo[] ownerProperties)
    {
        var name = navigation.GetCustomAttribute<ForeignKeyAttribute>()?.Name ?? navigation.Name + "Id";
        return Array.Find(ownerProperties, p => p.Name == name);
    }

    private static List<MemberInfo> KeysOf(Type type, PropertyInfo[] properties)
    {
        var names = FindKeyNames(type, properties);
        var result = new List<MemberInfo>();
        foreach (var p in properties)
        {
            if (names.Contains(p.Name))
            {
                result.Add(p);
            }
        }

        return result;
    }

    internal static Type? GetCollectionElement(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[]))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var i in type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces())
        {
            if (i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return i.GetGenericArguments()[0];
            }
        }

        return null;
    }
}

using System.Reflection;

namespace CacheBot.Linq.Model;

/// <summary>A mapped column: the member that holds it, its name, and a getter used on the write side.</summary>
internal sealed class ColumnModel
{
    public ColumnModel(MemberInfo member, string name, bool isPrimaryKey, StringMatching stringMatching)
    {
        Member = member;
        Name = name;
        IsPrimaryKey = isPrimaryKey;
        ClrType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
        Getter = MemberGetters.Create(member);
        CanFormScheme = ValueEncoder.IsEncodable(ClrType) && !(ClrType == typeof(string) && stringMatching == StringMatching.Excluded);
        StringMatching = stringMatching;
    }

    public MemberInfo Member { get; }

    public string Name { get; }

    public Type ClrType { get; }

    public bool IsPrimaryKey { get; }

    public StringMatching StringMatching { get; }

    /// <summary>Gets whether equality on this column may narrow a dependency (its values encode identically on both sides).</summary>
    public bool CanFormScheme { get; }

    /// <summary>Gets the column position inside its table (set by <see cref="TableModel"/>).</summary>
    public int Ordinal { get; internal set; }

    public Func<object, object?> Getter { get; }

    /// <summary>Reads this column from an entity object or a <see cref="RowValues"/> image; false when the value is unknown.</summary>
    public bool TryGetValue(object row, out object? value)
    {
        if (row is RowValues image)
        {
            value = null;
            return image.TryGet(Name, out var raw) && ProviderValueConverter.TryConvert(raw, ClrType, out value);
        }

        if (!Member.DeclaringType!.IsInstanceOfType(row))
        {
            value = null;
            return false;
        }

        value = Getter(row);
        return true;
    }

    public override string ToString() => Name;
}

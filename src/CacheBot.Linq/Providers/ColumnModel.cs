using System.Reflection;
using CacheBot.Linq.Model;

namespace CacheBot.Linq.Providers;

/// <summary>A mapped column: the member that holds it, its name, and how the database compares its values.</summary>
/// <remarks>
/// A column narrows invalidation (forms part of a scheme) only when a value compares equal in the database exactly when it
/// encodes equal in CacheBot: <see cref="CanFormScheme"/>. Anything else (converters, unknown collations, types CacheBot
/// cannot encode) must be declared with <c>excludeFromSchemes</c> or an <see cref="Providers.StringMatching"/>, which only
/// costs precision. Immutable; belongs to one <see cref="TableModel"/>.
/// </remarks>
public sealed class ColumnModel
{
    /// <summary>Creates a column.</summary>
    /// <param name="member">The member that holds the column's value.</param>
    /// <param name="name">The column name in the database.</param>
    /// <param name="isPrimaryKey">Whether the column is part of the primary key.</param>
    /// <param name="stringMatching">How the database compares the column when it is a string.</param>
    /// <param name="excludeFromSchemes">
    /// True when equal CLR values may not mean equal stored values (a value converter, an enum or bool stored as text):
    /// the column then never forms a scheme, which stays sound.
    /// </param>
    /// <param name="temporalPrecisionTicks">
    /// The storage precision of date and time values in ticks (SQLite through linq2db: milliseconds; PostgreSQL:
    /// microseconds): a query value finer than that cannot narrow, since the database rounds it before comparing.
    /// </param>
    /// <param name="storedValues">
    /// When a mapping stores the column's values as other values (a <see langword="bool"/> as <c>'Y'</c>/<c>'N'</c>, an enum
    /// through map values): the exact inverse used to read row images back; an image value outside it is unknown.
    /// </param>
    /// <param name="storage">The member the ORM reads the value from when it is not <paramref name="member"/> (linq2db's <c>Storage</c>); same type.</param>
    public ColumnModel(
        MemberInfo member, string name, bool isPrimaryKey, StringMatching stringMatching, bool excludeFromSchemes = false, long temporalPrecisionTicks = 1,
        StoredValueMap? storedValues = null, MemberInfo? storage = null)
    {
        TemporalPrecisionTicks = Math.Max(1, temporalPrecisionTicks);
        Member = member;
        Name = name;
        IsPrimaryKey = isPrimaryKey;
        ClrType = member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;
        Getter = MemberGetters.Create(storage ?? member);
        // A char compares as text too: it narrows only where text compares ordinally (folds apply to strings only).
        var underlying = Nullable.GetUnderlyingType(ClrType) ?? ClrType;
        CanFormScheme = !excludeFromSchemes && ValueEncoder.IsEncodable(ClrType)
            && !(underlying == typeof(string) && stringMatching == StringMatching.Excluded)
            && !(underlying == typeof(char) && stringMatching != StringMatching.Ordinal);
        StringMatching = stringMatching;
        StoredValues = storedValues;
    }

    /// <summary>Gets the field or property that holds the column's value.</summary>
    public MemberInfo Member { get; }

    /// <summary>Gets the column name in the database (row images are read by this name).</summary>
    public string Name { get; }

    /// <summary>Gets the CLR type of <see cref="Member"/>.</summary>
    public Type ClrType { get; }

    /// <summary>Gets whether the column is part of the primary key.</summary>
    public bool IsPrimaryKey { get; }

    /// <summary>Gets how the database compares the column when it is a string.</summary>
    public StringMatching StringMatching { get; }

    /// <summary>Gets the inverse of the mapping's stored values, when the column does not store its CLR values as they are.</summary>
    public StoredValueMap? StoredValues { get; }

    /// <summary>Gets whether equality on this column may narrow a dependency (its values encode identically on both sides).</summary>
    public bool CanFormScheme { get; }

    /// <summary>Gets the storage precision of date and time values, in ticks.</summary>
    public long TemporalPrecisionTicks { get; }

    /// <summary>
    /// Returns whether every value can narrow on this column: date and time values must be exact at the storage
    /// precision (a finer value is rounded by the database, so its equality would not match the encoded value).
    /// </summary>
    internal bool AcceptsAll(IReadOnlyList<object?> values)
    {
        if (TemporalPrecisionTicks == 1)
        {
            return true;
        }

        foreach (var value in values)
        {
            var ticks = value switch
            {
                DateTime d => d.Ticks,
                DateTimeOffset o => o.UtcTicks,
                TimeSpan t => t.Ticks,
                TimeOnly t => t.Ticks,
                _ => 0L,
            };
            if (ticks % TemporalPrecisionTicks != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Gets the column position inside its table (set by <see cref="TableModel"/>).</summary>
    public int Ordinal { get; internal set; }

    internal Func<object, object?> Getter { get; }

    /// <summary>
    /// Reads this column from a row: an entity object (through <see cref="Member"/>) or a <see cref="RowValues"/> image
    /// (by <see cref="Name"/>, converted to <see cref="ClrType"/>).
    /// </summary>
    /// <param name="row">An entity of the table's type, or an image.</param>
    /// <param name="value">The value, when known.</param>
    /// <returns>Whether the value is known exactly (a missing or unconvertible image value is not).</returns>
    public bool TryGetValue(object row, out object? value)
    {
        if (row is RowValues image)
        {
            value = null;
            if (!image.TryGet(Name, out var raw))
            {
                return false;
            }

            return StoredValues is { } map ? map.TryMap(raw, out value) : ProviderValueConverter.TryConvert(raw, ClrType, out value);
        }

        if (!Member.DeclaringType!.IsInstanceOfType(row))
        {
            value = null;
            return false;
        }

        value = Getter(row);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

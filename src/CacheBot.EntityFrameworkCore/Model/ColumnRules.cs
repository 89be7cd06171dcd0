using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CacheBot.EntityFrameworkCore.Model;

/// <summary>
/// Decides, per mapped property, whether equality on it may narrow invalidation: the database must call two values equal
/// only when CacheBot encodes them alike (model-space CLR values on both the query and the write side).
/// </summary>
/// <remarks>
/// Soundness: a value converter narrows only when it is one of EF's built-in converters known to be injective (so equal
/// provider values mean equal model values); strings narrow only under a collation known to compare ordinally (or a known
/// case-insensitive one, normalised on both sides), never on fixed-length <c>char(n)</c> or <c>citext</c>; SQLite decimals
/// (stored as text) and dates on unknown providers never narrow. Everything refused here only costs precision.
/// </remarks>
internal static class ColumnRules
{
    private static readonly HashSet<string> InjectiveConverters = new(StringComparer.Ordinal)
    {
        "EnumToStringConverter`1", "EnumToNumberConverter`2", "BoolToZeroOneConverter`1", "BoolToStringConverter", "BoolToTwoValuesConverter`1",
        "GuidToStringConverter", "GuidToBytesConverter", "DateTimeToTicksConverter", "DateTimeToBinaryConverter", "DateTimeToStringConverter",
        "DateTimeOffsetToStringConverter", "DateTimeOffsetToBinaryConverter", "DateTimeOffsetToBytesConverter", "TimeSpanToTicksConverter",
        "TimeSpanToStringConverter", "CharToStringConverter", "StringToBytesConverter", "BytesToStringConverter", "DateOnlyToStringConverter",
        "TimeOnlyToStringConverter", "TimeOnlyToTicksConverter",
    };

    /// <summary>Returns how the database compares a string column (or <see cref="StringMatching.Excluded"/>).</summary>
    public static StringMatching StringMatchingOf(IProperty property, StoreObjectIdentifier table, StoreKind store, IModel? designModel)
    {
        // The read-optimised runtime model drops collations: read them from the design-time model (unknown: never narrow).
        if (designModel?.FindEntityType(property.DeclaringType.Name)?.FindProperty(property.Name) is not { } design)
        {
            return StringMatching.Excluded;
        }

        var collation = design.GetCollation(table) ?? designModel.GetCollation();
        var storeType = property.FindColumn(table)?.StoreType.ToUpperInvariant() ?? string.Empty;
        switch (store)
        {
            case StoreKind.Sqlite:
                if (collation is null || string.Equals(collation, "BINARY", StringComparison.OrdinalIgnoreCase))
                {
                    return StringMatching.Ordinal;
                }

                // NOCASE folds ASCII case, RTRIM ignores trailing spaces: upper-casing and trimming both sides covers both.
                return string.Equals(collation, "NOCASE", StringComparison.OrdinalIgnoreCase) || string.Equals(collation, "RTRIM", StringComparison.OrdinalIgnoreCase)
                    ? StringMatching.IgnoreCaseAndTrailingSpaces
                    : StringMatching.Excluded;

            case StoreKind.PostgreSql:
                // Fixed-length character(n) ignores trailing spaces; citext folds case by locale: neither narrows.
                if (storeType.StartsWith("CHARACTER(", StringComparison.Ordinal) || storeType.StartsWith("CHAR(", StringComparison.Ordinal)
                    || storeType is "CHARACTER" or "CHAR" or "BPCHAR" || storeType.StartsWith("CITEXT", StringComparison.Ordinal)
                    || (storeType.Length > 0 && !storeType.StartsWith("TEXT", StringComparison.Ordinal) && !storeType.StartsWith("CHARACTER VARYING", StringComparison.Ordinal)
                        && !storeType.StartsWith("VARCHAR", StringComparison.Ordinal)))
                {
                    return StringMatching.Excluded;
                }

                // Deterministic collations compare equal only on equal bytes; custom ones may be non-deterministic.
                return collation is null or "C" or "POSIX" or "default" or "ucs_basic" || collation.EndsWith("-x-icu", StringComparison.Ordinal)
                    ? StringMatching.Ordinal
                    : StringMatching.Excluded;

            default:
                return StringMatching.Excluded;
        }
    }

    /// <summary>Returns whether the property's column must never form a scheme (converter, type or database rules).</summary>
    public static bool ExcludeFromSchemes(IProperty property, StoreObjectIdentifier table, StoreKind store, IModel? designModel)
    {
        var clr = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        var converter = property.GetTypeMapping().Converter;
        if (converter is not null && !IsInjective(converter))
        {
            return true;
        }

        if (converter is not null && converter.ProviderClrType == typeof(string) && StringMatchingOf(property, table, store, designModel) != StringMatching.Ordinal)
        {
            // An enum (or Guid, date) stored as text under a collation that may fold case: distinct values could compare equal.
            return true;
        }

        if (store == StoreKind.Other && (clr == typeof(DateTime) || clr == typeof(DateTimeOffset) || clr == typeof(TimeSpan) || clr == typeof(TimeOnly)
            || clr == typeof(decimal) || clr == typeof(double) || clr == typeof(float)))
        {
            return true;
        }

        // SQLite stores decimals as text: EF compares them in SQL as strings, which CacheBot cannot reproduce.
        if (store == StoreKind.Sqlite && clr == typeof(decimal))
        {
            return true;
        }

        // PostgreSQL maps char to character(1), which ignores trailing spaces.
        return store == StoreKind.PostgreSql && clr == typeof(char);
    }

    /// <summary>The storage precision of date and time values, in ticks.</summary>
    public static long TemporalPrecisionTicks(StoreKind store) => store == StoreKind.PostgreSql ? 10 : 1;

    private static bool IsInjective(ValueConverter converter)
    {
        var type = converter.GetType();
        return type.Namespace == typeof(EnumToStringConverter<>).Namespace && type.Assembly == typeof(EnumToStringConverter<>).Assembly
            && InjectiveConverters.Contains(type.IsGenericType ? type.GetGenericTypeDefinition().Name : type.Name);
    }
}

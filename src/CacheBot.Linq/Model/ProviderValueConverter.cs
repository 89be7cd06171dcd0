using System.Globalization;

namespace CacheBot.Linq.Model;

/// <summary>
/// Converts a raw value read from a data reader (SQLite returns integers for booleans and text for dates and Guids) to
/// the column's CLR type, so a row image encodes exactly like the values a query compares against.
/// Returns false when the conversion is not certain; the caller then invalidates the whole table (sound).
/// </summary>
/// <remarks>
/// Only provider representations of the CLR value itself are converted (an integer for a <see langword="bool"/>, text for a
/// date or a Guid). A value a mapping converter produced (<c>'Y'</c> for <see langword="true"/>, a map value for an enum) is
/// not guessed at: such columns carry a <see cref="Providers.StoredValueMap"/>, or never form a scheme. Text read for a
/// <see langword="bool"/> is accepted only as <c>0</c>, <c>1</c>, <c>true</c> or <c>false</c>.
/// </remarks>
internal static class ProviderValueConverter
{
    public static bool TryConvert(object? raw, Type target, out object? value)
    {
        value = null;
        if (raw is null || raw is DBNull)
        {
            return true;
        }

        var type = Nullable.GetUnderlyingType(target) ?? target;
        if (type.IsInstanceOfType(raw))
        {
            value = raw;
            return true;
        }

        try
        {
            if (type.IsEnum)
            {
                if (raw is string)
                {
                    return false;
                }

                value = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                return true;
            }

            switch (Type.GetTypeCode(type))
            {
                case TypeCode.Boolean:
                    if (raw is string s)
                    {
                        // Text other than the provider spellings of a boolean was written by a converter: not ours to guess.
                        var isTrue = s is "1" || s.Equals("true", StringComparison.OrdinalIgnoreCase);
                        var isFalse = s is "0" || s.Equals("false", StringComparison.OrdinalIgnoreCase);
                        value = isTrue;
                        return isTrue || isFalse;
                    }

                    value = Convert.ToInt64(raw, CultureInfo.InvariantCulture) != 0;
                    return true;
                case TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64:
                    value = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                    return true;
                case TypeCode.UInt64:
                    value = Convert.ToUInt64(raw, CultureInfo.InvariantCulture);
                    return true;
                case TypeCode.Single or TypeCode.Double:
                    value = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
                    return true;
                case TypeCode.Decimal:
                    value = Convert.ToDecimal(raw, CultureInfo.InvariantCulture);
                    return true;
                case TypeCode.String:
                    value = Convert.ToString(raw, CultureInfo.InvariantCulture);
                    return true;
                case TypeCode.Char:
                    value = raw is string c && c.Length == 1 ? c[0] : Convert.ToChar(raw, CultureInfo.InvariantCulture);
                    return true;
                case TypeCode.DateTime:
                    value = raw is string d ? DateTime.Parse(d, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : Convert.ToDateTime(raw, CultureInfo.InvariantCulture);
                    return true;
            }

            if (type == typeof(Guid))
            {
                value = raw switch { string g => Guid.Parse(g), byte[] b when b.Length == 16 => new Guid(b), _ => null };
                return value is not null;
            }

            if (type == typeof(DateTimeOffset) && raw is string dto)
            {
                value = DateTimeOffset.Parse(dto, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                return true;
            }

            if (type == typeof(TimeSpan) && raw is string ts)
            {
                value = TimeSpan.Parse(ts, CultureInfo.InvariantCulture);
                return true;
            }

            if (type == typeof(DateOnly))
            {
                value = raw switch { string ds => DateOnly.Parse(ds, CultureInfo.InvariantCulture), DateTime dt => DateOnly.FromDateTime(dt), _ => null };
                return value is not null;
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException)
        {
            return false;
        }

        return false;
    }
}

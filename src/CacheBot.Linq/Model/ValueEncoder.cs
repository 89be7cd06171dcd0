using System.Buffers.Binary;
using System.Runtime.InteropServices;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Model;

/// <summary>
/// Encodes column values identically on the query side and on the write side (DESIGN "Values are encoded identically").
/// </summary>
/// <remarks>
/// Invariants: every integer type, <c>char</c> aside, and every enum encodes as one signed 64-bit integer (so <c>int</c>
/// 5, <c>long</c> 5 and <c>Status.Active = 5</c> are equal); a <c>decimal</c> or <c>double</c> holding an integral value
/// encodes as that integer, otherwise decimals are normalised (trailing zeros removed); <c>DateTime</c> encodes its ticks
/// without <c>Kind</c> (databases do not store it); strings encode per <see cref="StringMatching"/>. A type outside this
/// list is not encodable: its columns never form a scheme, which keeps invalidation sound.
/// </remarks>
internal static class ValueEncoder
{
    private const byte TagNull = 0, TagBool = 1, TagInteger = 2, TagUInt64 = 3, TagDouble = 4, TagDecimal = 5, TagDateTime = 6,
        TagDateTimeOffset = 7, TagGuid = 8, TagString = 9, TagBytes = 10, TagChar = 11, TagTimeSpan = 12, TagDateOnly = 13, TagTimeOnly = 14;

    public static bool IsEncodable(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return true;
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean or TypeCode.Char or TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32
                or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Single or TypeCode.Double or TypeCode.Decimal
                or TypeCode.DateTime or TypeCode.String => true,
            _ => type == typeof(Guid) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(DateOnly)
                || type == typeof(TimeOnly) || type == typeof(byte[]),
        };
    }

    /// <summary>Appends the canonical encoding of <paramref name="value"/>; returns false when the value cannot be encoded.</summary>
    public static bool TryAppend(ref KeyBytes bytes, object? value, StringMatching matching)
    {
        switch (value)
        {
            case null:
                bytes.Add(TagNull);
                return true;
            case bool b:
                bytes.Add(TagBool);
                bytes.Add(b ? (byte)1 : (byte)0);
                return true;
            case string s:
                AppendString(ref bytes, s, matching);
                return true;
            case char c:
                bytes.Add(TagChar);
                bytes.AddInt64(c);
                return true;
            case Enum e:
                return TryAppend(ref bytes, Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), System.Globalization.CultureInfo.InvariantCulture), matching);
            case sbyte or byte or short or ushort or int or uint or long:
                bytes.Add(TagInteger);
                bytes.AddInt64(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                return true;
            case ulong u:
                if (u <= long.MaxValue)
                {
                    bytes.Add(TagInteger);
                    bytes.AddInt64((long)u);
                }
                else
                {
                    bytes.Add(TagUInt64);
                    bytes.AddInt64(unchecked((long)u));
                }

                return true;
            case float f:
                return AppendDouble(ref bytes, f);
            case double d:
                return AppendDouble(ref bytes, d);
            case decimal m:
                AppendDecimal(ref bytes, m);
                return true;
            case DateTime dt:
                bytes.Add(TagDateTime);
                bytes.AddInt64(dt.Ticks);
                return true;
            case DateTimeOffset dto:
                bytes.Add(TagDateTimeOffset);
                bytes.AddInt64(dto.UtcTicks);
                return true;
            case TimeSpan ts:
                bytes.Add(TagTimeSpan);
                bytes.AddInt64(ts.Ticks);
                return true;
            case DateOnly date:
                bytes.Add(TagDateOnly);
                bytes.AddInt64(date.DayNumber);
                return true;
            case TimeOnly time:
                bytes.Add(TagTimeOnly);
                bytes.AddInt64(time.Ticks);
                return true;
            case Guid g:
                bytes.Add(TagGuid);
                Span<byte> guid = stackalloc byte[16];
                g.TryWriteBytes(guid);
                bytes.AddSpan(guid);
                return true;
            case byte[] array:
                bytes.Add(TagBytes);
                bytes.AddInt64(array.Length);
                bytes.AddSpan(array);
                return true;
            default:
                return false;
        }
    }

    private static bool AppendDouble(ref KeyBytes bytes, double d)
    {
        if (double.IsNaN(d))
        {
            return false;
        }

        if (Math.Floor(d) == d && d >= long.MinValue && d <= long.MaxValue)
        {
            bytes.Add(TagInteger);
            bytes.AddInt64((long)d);
            return true;
        }

        bytes.Add(TagDouble);
        bytes.AddInt64(BitConverter.DoubleToInt64Bits(d));
        return true;
    }

    private static void AppendDecimal(ref KeyBytes bytes, decimal m)
    {
        if (decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue)
        {
            bytes.Add(TagInteger);
            bytes.AddInt64((long)m);
            return;
        }

        // Dividing by 1.000...0 with the largest scale removes trailing zeros: 1.50m and 1.5m encode alike.
        var normalized = m / 1.0000000000000000000000000000m;
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(normalized, bits);
        bytes.Add(TagDecimal);
        bytes.AddSpan(MemoryMarshal.AsBytes(bits));
    }

    private static void AppendString(ref KeyBytes bytes, string s, StringMatching matching)
    {
        s = Fold(s, matching);
        bytes.Add(TagString);
        bytes.AddInt64(s.Length);
        bytes.AddSpan(MemoryMarshal.AsBytes(s.AsSpan()));
    }

    /// <summary>
    /// Folds <paramref name="s"/> the way <paramref name="matching"/> compares: two strings the database finds equal fold
    /// to the same string. Ordinal (and <see cref="StringMatching.Excluded"/>, which never reaches a key) returns the input.
    /// </summary>
    public static string Fold(string s, StringMatching matching)
    {
        ArgumentNullException.ThrowIfNull(s);
        return matching switch
        {
            StringMatching.IgnoreCaseAndTrailingSpaces => s.TrimEnd(' ').ToUpperInvariant(),
            StringMatching.AsciiIgnoreCase => AsciiUpper(s),
            StringMatching.TrailingSpaces => s.TrimEnd(' '),
            StringMatching.AsciiIgnoreCaseAndTrailingSpaces => AsciiUpper(s.TrimEnd(' ')),
            _ => s,
        };
    }

    /// <summary>Upper-cases <c>a</c>-<c>z</c> only, as SQLite's <c>NOCASE</c> does; other characters are kept.</summary>
    private static string AsciiUpper(string s)
    {
        var first = -1;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] is >= 'a' and <= 'z')
            {
                first = i;
                break;
            }
        }

        if (first < 0)
        {
            return s;
        }

        return string.Create(s.Length, (s, first), static (span, state) =>
        {
            state.s.AsSpan().CopyTo(span);
            for (var i = state.first; i < span.Length; i++)
            {
                if (span[i] is >= 'a' and <= 'z')
                {
                    span[i] = (char)(span[i] - ('a' - 'A'));
                }
            }
        });
    }
}

namespace CacheBot.Redis.Serialization;

/// <summary>
/// Encodes scalar values with their exact CLR type: a value read back is equal to, and of the same type as, the value
/// written. Types outside the list (and strings that are not valid UTF-16) are refused, never approximated.
/// </summary>
/// <remarks>
/// Supported: <see langword="null"/>, <see cref="bool"/>, every integer type, <see cref="char"/>, <see cref="float"/>,
/// <see cref="double"/> (bit-exact), <see cref="decimal"/> (scale kept), <see cref="string"/>, <c>byte[]</c>,
/// <see cref="Guid"/>, <see cref="DateTime"/> (ticks and kind), <see cref="DateTimeOffset"/>, <see cref="TimeSpan"/>,
/// <see cref="DateOnly"/>, <see cref="TimeOnly"/>. Enums are written as their underlying integer (callers that know the
/// enum type convert back). Stateless and thread-safe.
/// </remarks>
internal static class ValueCodec
{
    private const byte TagNull = 0, TagFalse = 1, TagTrue = 2, TagSByte = 3, TagByte = 4, TagInt16 = 5, TagUInt16 = 6, TagInt32 = 7,
        TagUInt32 = 8, TagInt64 = 9, TagUInt64 = 10, TagChar = 11, TagSingle = 12, TagDouble = 13, TagDecimal = 14, TagString = 15,
        TagBytes = 16, TagGuid = 17, TagDateTime = 18, TagDateTimeOffset = 19, TagTimeSpan = 20, TagDateOnly = 21, TagTimeOnly = 22;

    /// <summary>Returns whether values of <paramref name="type"/> (or its nullable form) are written exactly.</summary>
    public static bool IsSupported(Type type)
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
            _ => type == typeof(byte[]) || type == typeof(Guid) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan)
                || type == typeof(DateOnly) || type == typeof(TimeOnly),
        };
    }

    /// <summary>Writes <paramref name="value"/>; returns false, with nothing written, when it cannot be written exactly.</summary>
    public static bool TryWrite(PayloadWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteByte(TagNull);
                return true;
            case bool b:
                writer.WriteByte(b ? TagTrue : TagFalse);
                return true;
            case string s:
            {
                var mark = writer.Length;
                writer.WriteByte(TagString);
                if (writer.TryWriteString(s))
                {
                    return true;
                }

                writer.Truncate(mark);
                return false;
            }

            case int i:
                writer.WriteByte(TagInt32);
                writer.WriteInt32(i);
                return true;
            case long l:
                writer.WriteByte(TagInt64);
                writer.WriteInt64(l);
                return true;
            case Enum e:
                return TryWrite(writer, Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), System.Globalization.CultureInfo.InvariantCulture));
            case short s16:
                writer.WriteByte(TagInt16);
                writer.WriteInt16(s16);
                return true;
            case byte u8:
                writer.WriteByte(TagByte);
                writer.WriteByte(u8);
                return true;
            case sbyte s8:
                writer.WriteByte(TagSByte);
                writer.WriteByte(unchecked((byte)s8));
                return true;
            case ushort u16:
                writer.WriteByte(TagUInt16);
                writer.WriteInt16(unchecked((short)u16));
                return true;
            case uint u32:
                writer.WriteByte(TagUInt32);
                writer.WriteInt32(unchecked((int)u32));
                return true;
            case ulong u64:
                writer.WriteByte(TagUInt64);
                writer.WriteInt64(unchecked((long)u64));
                return true;
            case char c:
                writer.WriteByte(TagChar);
                writer.WriteInt16(unchecked((short)c));
                return true;
            case float f:
                writer.WriteByte(TagSingle);
                writer.WriteInt32(BitConverter.SingleToInt32Bits(f));
                return true;
            case double d:
                writer.WriteByte(TagDouble);
                writer.WriteInt64(BitConverter.DoubleToInt64Bits(d));
                return true;
            case decimal m:
            {
                writer.WriteByte(TagDecimal);
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(m, bits);
                foreach (var part in bits)
                {
                    writer.WriteInt32(part);
                }

                return true;
            }

            case byte[] bytes:
                writer.WriteByte(TagBytes);
                writer.WriteBytes(bytes);
                return true;
            case Guid g:
            {
                writer.WriteByte(TagGuid);
                Span<byte> bytes = stackalloc byte[16];
                g.TryWriteBytes(bytes);
                writer.WriteRaw(bytes);
                return true;
            }

            case DateTime dt:
                // Ticks and kind as they are (ToBinary would move local times through this machine's time zone).
                writer.WriteByte(TagDateTime);
                writer.WriteInt64(dt.Ticks);
                writer.WriteByte((byte)dt.Kind);
                return true;
            case DateTimeOffset dto:
                writer.WriteByte(TagDateTimeOffset);
                writer.WriteInt64(dto.Ticks);
                writer.WriteInt16((short)dto.TotalOffsetMinutes);
                return true;
            case TimeSpan ts:
                writer.WriteByte(TagTimeSpan);
                writer.WriteInt64(ts.Ticks);
                return true;
            case DateOnly date:
                writer.WriteByte(TagDateOnly);
                writer.WriteInt32(date.DayNumber);
                return true;
            case TimeOnly time:
                writer.WriteByte(TagTimeOnly);
                writer.WriteInt64(time.Ticks);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads a value written by <see cref="TryWrite"/>.</summary>
    /// <exception cref="FormatException">The payload is corrupt.</exception>
    public static object? Read(ref PayloadReader reader)
    {
        var tag = reader.ReadByte();
        switch (tag)
        {
            case TagNull: return null;
            case TagFalse: return false;
            case TagTrue: return true;
            case TagSByte: return unchecked((sbyte)reader.ReadByte());
            case TagByte: return reader.ReadByte();
            case TagInt16: return reader.ReadInt16();
            case TagUInt16: return unchecked((ushort)reader.ReadInt16());
            case TagInt32: return reader.ReadInt32();
            case TagUInt32: return unchecked((uint)reader.ReadInt32());
            case TagInt64: return reader.ReadInt64();
            case TagUInt64: return unchecked((ulong)reader.ReadInt64());
            case TagChar: return unchecked((char)reader.ReadInt16());
            case TagSingle: return BitConverter.Int32BitsToSingle(reader.ReadInt32());
            case TagDouble: return BitConverter.Int64BitsToDouble(reader.ReadInt64());
            case TagDecimal:
            {
                Span<int> bits = [reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32()];
                try
                {
                    return new decimal(bits);
                }
                catch (ArgumentException e)
                {
                    throw new FormatException("A decimal in the payload is invalid.", e);
                }
            }

            case TagString: return reader.ReadString();
            case TagBytes: return reader.ReadBytes();
            case TagGuid: return new Guid(reader.ReadSpan(16));
            case TagDateTime:
            {
                var ticks = reader.ReadInt64();
                var kind = reader.ReadByte();
                return kind > 2 ? throw new FormatException("A DateTime kind in the payload is invalid.") : ReadChecked((ticks, kind), static v => new DateTime(v.ticks, (DateTimeKind)v.kind));
            }
            case TagDateTimeOffset:
            {
                var ticks = reader.ReadInt64();
                var minutes = reader.ReadInt16();
                return ReadChecked((ticks, minutes), static v => new DateTimeOffset(v.ticks, TimeSpan.FromMinutes(v.minutes)));
            }

            case TagTimeSpan: return new TimeSpan(reader.ReadInt64());
            case TagDateOnly: return ReadChecked(reader.ReadInt32(), static v => DateOnly.FromDayNumber(v));
            case TagTimeOnly: return ReadChecked(reader.ReadInt64(), static v => new TimeOnly(v));
            default: throw new FormatException("Unknown value tag " + tag + " in the payload.");
        }
    }

    private static object ReadChecked<TIn, TOut>(TIn input, Func<TIn, TOut> create)
        where TOut : notnull
    {
        try
        {
            return create(input);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("A date or time in the payload is out of range.", e);
        }
    }
}

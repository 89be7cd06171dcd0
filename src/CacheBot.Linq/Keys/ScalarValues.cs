using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Writes scalar values (tag byte, then the value) into the full stream without boxing: the <c>typeof(T) == typeof(X)</c>
/// tests are constants for the JIT, so each instantiation compiles to one branch.
/// </summary>
internal static class ScalarValues
{
    /// <summary>Returns whether values of <paramref name="type"/> are hashed by <see cref="Append{T}"/> (or as an enum).</summary>
    public static bool IsScalar(Type type) =>
        type.IsEnum || type.IsPrimitive || type == typeof(decimal) || type == typeof(string) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly)
        || type == typeof(Guid) || type == typeof(byte[]) || type == typeof(Int128) || type == typeof(UInt128) || type == typeof(Half);

    /// <summary>Returns whether <paramref name="type"/> is a scalar or a <see cref="Nullable{T}"/> of a scalar.</summary>
    public static bool IsScalarOrNullable(Type type) =>
        IsScalar(type) || (Nullable.GetUnderlyingType(type) is { } underlying && IsScalar(underlying));

    /// <summary>
    /// Returns whether a span of <paramref name="type"/> can be hashed as its raw bytes: equal values have equal bytes and the
    /// type has no padding and no references.
    /// </summary>
    public static bool IsDense(Type type) =>
        type.IsEnum || (type.IsPrimitive && type != typeof(bool)) || type == typeof(decimal) || type == typeof(DateTime)
        || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Guid)
        || type == typeof(Int128) || type == typeof(UInt128) || type == typeof(Half);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Append<T>(T value, ref HashWalk walk)
    {
        if (typeof(T) == typeof(int)) { Write(HashTag.Int32, Unsafe.As<T, int>(ref value), ref walk); }
        else if (typeof(T) == typeof(long)) { Write(HashTag.Int64, Unsafe.As<T, long>(ref value), ref walk); }
        else if (typeof(T) == typeof(bool)) { Write(HashTag.Boolean, Unsafe.As<T, bool>(ref value) ? (byte)1 : (byte)0, ref walk); }
        else if (typeof(T) == typeof(Guid)) { Write(HashTag.Guid, Unsafe.As<T, Guid>(ref value), ref walk); }
        else if (typeof(T) == typeof(decimal)) { Write(HashTag.Decimal, Unsafe.As<T, decimal>(ref value), ref walk); }
        else if (typeof(T) == typeof(DateTime)) { AppendDateTime(Unsafe.As<T, DateTime>(ref value), ref walk); }
        else if (typeof(T) == typeof(short)) { Write(HashTag.Int16, Unsafe.As<T, short>(ref value), ref walk); }
        else if (typeof(T) == typeof(byte)) { Write(HashTag.Byte, Unsafe.As<T, byte>(ref value), ref walk); }
        else if (typeof(T) == typeof(sbyte)) { Write(HashTag.SByte, Unsafe.As<T, sbyte>(ref value), ref walk); }
        else if (typeof(T) == typeof(ushort)) { Write(HashTag.UInt16, Unsafe.As<T, ushort>(ref value), ref walk); }
        else if (typeof(T) == typeof(uint)) { Write(HashTag.UInt32, Unsafe.As<T, uint>(ref value), ref walk); }
        else if (typeof(T) == typeof(ulong)) { Write(HashTag.UInt64, Unsafe.As<T, ulong>(ref value), ref walk); }
        else if (typeof(T) == typeof(char)) { Write(HashTag.Char, Unsafe.As<T, char>(ref value), ref walk); }
        else if (typeof(T) == typeof(float)) { Write(HashTag.Single, Unsafe.As<T, float>(ref value), ref walk); }
        else if (typeof(T) == typeof(double)) { Write(HashTag.Double, Unsafe.As<T, double>(ref value), ref walk); }
        else if (typeof(T) == typeof(DateTimeOffset)) { AppendDateTimeOffset(Unsafe.As<T, DateTimeOffset>(ref value), ref walk); }
        else if (typeof(T) == typeof(TimeSpan)) { Write(HashTag.TimeSpan, Unsafe.As<T, TimeSpan>(ref value).Ticks, ref walk); }
        else if (typeof(T) == typeof(DateOnly)) { Write(HashTag.DateOnly, Unsafe.As<T, DateOnly>(ref value).DayNumber, ref walk); }
        else if (typeof(T) == typeof(TimeOnly)) { Write(HashTag.TimeOnly, Unsafe.As<T, TimeOnly>(ref value).Ticks, ref walk); }
        else if (typeof(T) == typeof(Int128)) { Write(HashTag.Int128, Unsafe.As<T, Int128>(ref value), ref walk); }
        else if (typeof(T) == typeof(UInt128)) { Write(HashTag.UInt128, Unsafe.As<T, UInt128>(ref value), ref walk); }
        else if (typeof(T) == typeof(Half)) { Write(HashTag.Half, Unsafe.As<T, Half>(ref value), ref walk); }
        else if (typeof(T) == typeof(nint)) { Write(HashTag.IntPtr, (long)Unsafe.As<T, nint>(ref value), ref walk); }
        else if (typeof(T) == typeof(nuint)) { Write(HashTag.UIntPtr, (ulong)Unsafe.As<T, nuint>(ref value), ref walk); }
        else if (typeof(T) == typeof(string)) { AppendString(Unsafe.As<T, string?>(ref value), ref walk); }
        else if (typeof(T) == typeof(byte[])) { AppendBytes(Unsafe.As<T, byte[]?>(ref value), ref walk); }
        else if (typeof(T).IsEnum) { AppendEnum(value, ref walk); }
        else
        {
            walk.MarkUnhashable();
            walk.WriteValueTag(HashTag.Unhashable);
        }
    }

    /// <summary>Writes an enum as its type handle and its underlying integer bits (no boxing, no underlying-type lookup).</summary>
    public static void AppendEnum<T>(T value, ref HashWalk walk)
    {
        walk.WriteValueTag(HashTag.Enum);
        walk.WriteTypeValue(typeof(T));
        switch (Unsafe.SizeOf<T>())
        {
            case 1: walk.WriteValue(Unsafe.As<T, byte>(ref value)); break;
            case 2: walk.WriteValue(Unsafe.As<T, ushort>(ref value)); break;
            case 4: walk.WriteValue(Unsafe.As<T, uint>(ref value)); break;
            default: walk.WriteValue(Unsafe.As<T, ulong>(ref value)); break;
        }
    }

    private static void AppendString(string? value, ref HashWalk walk)
    {
        if (value is null)
        {
            walk.WriteValueTag(HashTag.Null);
        }
        else
        {
            walk.WriteValueString(value);
        }
    }

    private static void AppendBytes(byte[]? value, ref HashWalk walk)
    {
        if (value is null)
        {
            walk.WriteValueTag(HashTag.Null);
            return;
        }

        walk.WriteValueTag(HashTag.Bytes);
        walk.WriteValue(value.Length);
        walk.WriteValueBlob(value);
    }

    private static void AppendDateTime(DateTime value, ref HashWalk walk)
    {
        walk.WriteValueTag(HashTag.DateTime);
        walk.WriteValue(value.Ticks);
        walk.WriteValue((byte)value.Kind);
    }

    private static void AppendDateTimeOffset(DateTimeOffset value, ref HashWalk walk)
    {
        walk.WriteValueTag(HashTag.DateTimeOffset);
        walk.WriteValue(value.UtcTicks);
        walk.WriteValue(value.TotalOffsetMinutes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<TValue>(HashTag tag, TValue value, ref HashWalk walk)
        where TValue : unmanaged
    {
        walk.WriteValueTag(tag);
        walk.WriteValue(value);
    }

    /// <summary>Writes a span of values: count, then raw bytes for dense element types, else each element.</summary>
    public static void AppendSpan<T>(ReadOnlySpan<T> span, ref HashWalk walk)
    {
        walk.WriteValue(span.Length);
        if (TypedValueHasher<T>.IsDense)
        {
            walk.WriteValueBlob(MemoryMarshal.CreateReadOnlySpan(
                ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(span)), span.Length * Unsafe.SizeOf<T>()));
            return;
        }

        var hasher = TypedValueHasher<T>.Instance;
        for (var i = 0; i < span.Length; i++)
        {
            hasher.Append(span[i], ref walk);
        }
    }
}

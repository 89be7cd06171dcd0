namespace CacheBot.Linq.Analysis;

/// <summary>Small reflection helpers shared by the analyser and the query wrapper.</summary>
internal static class TypeHelpers
{
    /// <summary>Returns <c>T</c> when <paramref name="type"/> is or implements <see cref="IEnumerable{T}"/>, else <see langword="null"/>.</summary>
    public static Type? GetSequenceElement(Type type) => Model.ClrEntityModel.GetCollectionElement(type);

    /// <summary>
    /// Whether <paramref name="type"/> (nullable lifting aside) is an integer type that range keys and SQL aggregates order the
    /// same way everywhere: <see cref="short"/>, <see cref="int"/>, <see cref="long"/> or <see cref="byte"/>, not an enum.
    /// </summary>
    public static bool IsKeyIntegerType(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return !underlying.IsEnum && Type.GetTypeCode(underlying) is TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.Byte;
    }

    /// <summary>
    /// Whether converting <paramref name="from"/> to <paramref name="to"/> (nullable lifting aside) keeps every value and its order:
    /// the same type, or an integer type widened to a larger one that is signed, or unsigned from an unsigned one.
    /// </summary>
    public static bool IsIntegerWidening(Type from, Type to)
    {
        var f = Nullable.GetUnderlyingType(from) ?? from;
        var t = Nullable.GetUnderlyingType(to) ?? to;
        return f == t || (IntegerRank(f) is { } rf && IntegerRank(t) is { } rt && rt.Size > rf.Size && (rt.Signed || !rf.Signed));
    }

    private static (int Size, bool Signed)? IntegerRank(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.SByte => (1, true),
        TypeCode.Byte => (1, false),
        TypeCode.Int16 => (2, true),
        TypeCode.UInt16 => (2, false),
        TypeCode.Int32 => (4, true),
        TypeCode.UInt32 => (4, false),
        TypeCode.Int64 => (8, true),
        TypeCode.UInt64 => (8, false),
        _ => null,
    };
}

using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace CacheBot.Redis.Serialization;

/// <summary>
/// Serializes query results for other processes: scalars, enums, flat objects (entities, DTOs, anonymous types, records:
/// every instance field, public or not, written by value) and one-dimensional arrays of those. A value is written only if
/// it reads back exactly: a field whose declared type is not supported must be <see langword="null"/>, a value whose
/// runtime type differs from the declared one is refused, nesting is bounded.
/// </summary>
/// <remarks>
/// Thread-safe: the only state is a cache of each type's fields. Reading creates objects without running constructors
/// (<see cref="RuntimeHelpers.GetUninitializedObject"/>) and sets every field, so the copy equals the original field by
/// field.
/// </remarks>
internal static class ResultCodec
{
    private const byte Null = 0, Present = 1;
    private const int MaxDepth = 4;

    private static readonly ConcurrentDictionary<Type, FieldInfo[]?> Fields = new();

    public static bool TryWrite(PayloadWriter writer, Type type, object? value) => TryWrite(writer, type, value, 0);

    /// <exception cref="FormatException">The payload does not match <paramref name="type"/>.</exception>
    public static object? Read(ref PayloadReader reader, Type type) => Read(ref reader, type, 0);

    private static bool TryWrite(PayloadWriter writer, Type type, object? value, int depth)
    {
        if (value is null)
        {
            writer.WriteByte(Null);
            return !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (value.GetType() != underlying || depth > MaxDepth)
        {
            return false;
        }

        writer.WriteByte(Present);
        if (underlying.IsEnum || ValueCodec.IsSupported(underlying))
        {
            return ValueCodec.TryWrite(writer, value);
        }

        if (underlying.IsArray)
        {
            var element = underlying.GetElementType()!;
            if (underlying.GetArrayRank() != 1)
            {
                return false;
            }

            var array = (Array)value;
            writer.WriteCount((ulong)array.Length);
            for (var i = 0; i < array.Length; i++)
            {
                if (!TryWrite(writer, element, array.GetValue(i), depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        if (FieldsOf(underlying) is not { } fields)
        {
            return false;
        }

        foreach (var field in fields)
        {
            var fieldValue = field.GetValue(value);
            if (!Shareable(field.FieldType) && fieldValue is not null)
            {
                return false;
            }

            if (!TryWrite(writer, field.FieldType, fieldValue, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private static object? Read(ref PayloadReader reader, Type type, int depth)
    {
        if (reader.ReadByte() == Null)
        {
            return null;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (depth > MaxDepth)
        {
            throw new FormatException("Shared result nested too deep.");
        }

        if (underlying.IsEnum)
        {
            return Enum.ToObject(underlying, ValueCodec.Read(ref reader) ?? throw new FormatException("Null enum value."));
        }

        if (ValueCodec.IsSupported(underlying))
        {
            var value = ValueCodec.Read(ref reader);
            return value is not null && value.GetType() == underlying ? value : throw new FormatException("Shared result type mismatch.");
        }

        if (underlying.IsArray)
        {
            var element = underlying.GetElementType()!;
            var array = Array.CreateInstance(element, reader.ReadLength());
            for (var i = 0; i < array.Length; i++)
            {
                array.SetValue(Read(ref reader, element, depth + 1), i);
            }

            return array;
        }

        var fields = FieldsOf(underlying) ?? throw new FormatException("Shared result type cannot be read.");
        var instance = RuntimeHelpers.GetUninitializedObject(underlying);
        foreach (var field in fields)
        {
            field.SetValue(instance, Read(ref reader, field.FieldType, depth + 1));
        }

        return instance;
    }

    /// <summary>Whether a field of this type can hold a non-null value in a shared result.</summary>
    private static bool Shareable(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsEnum || ValueCodec.IsSupported(underlying) || (underlying.IsArray && underlying.GetArrayRank() == 1) || FieldsOf(underlying) is not null;
    }

    /// <summary>Every instance field of a flat object type, or <see langword="null"/> for types that are not plain data.</summary>
    private static FieldInfo[]? FieldsOf(Type type) => Fields.GetOrAdd(type, static t =>
    {
        if (t.IsAbstract || t.IsInterface || t.IsPointer || t.IsByRef || t.IsGenericTypeDefinition || t == typeof(object)
            || typeof(Delegate).IsAssignableFrom(t) || t.IsCOMObject || t.ContainsGenericParameters
            || (t.Namespace is { } ns && (ns.StartsWith("System", StringComparison.Ordinal) || ns.StartsWith("Microsoft", StringComparison.Ordinal))))
        {
            return null;
        }

        var fields = new List<FieldInfo>();
        for (var current = t; current is not null && current != typeof(object) && current != typeof(ValueType); current = current.BaseType)
        {
            fields.AddRange(current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));
        }

        return [.. fields];
    });
}

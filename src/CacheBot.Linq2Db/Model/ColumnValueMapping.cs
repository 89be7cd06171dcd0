using System.Globalization;
using System.Linq.Expressions;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Model;

/// <summary>
/// How a linq2db column stores its CLR values, found by asking linq2db for the conversion it applies to parameters
/// (<see cref="ColumnDescriptor.ApplyConversions(MappingSchema, Expression, LinqToDB.DbDataType, IValueConverter?, bool)"/>:
/// value converters, <c>SetConverter</c>/<c>SetConvertExpression</c> registrations on the mapping schema, conversions to
/// <see cref="DataParameter"/>, <c>MapValue</c> enums).
/// </summary>
/// <remarks>
/// Soundness: a column narrows only when its stored values can be compared exactly. Either the conversion keeps the
/// value (no user code runs and sample values come back unchanged: the CLR value is what the database compares), or the
/// CLR type is a finite domain (<see langword="bool"/>, an enum, nullable or not) whose stored values are distinct under
/// the column's collation: then a <see cref="StoredValueMap"/> turns stored values read back into the one CLR value the
/// database matches them with. Anything else (a converter on an open type, a lossy or colliding mapping) never narrows.
/// </remarks>
internal static class ColumnValueMapping
{
    /// <summary>Analyses <paramref name="column"/>: whether it must stay out of schemes, and the stored-value map it needs.</summary>
    public static (bool Exclude, StoredValueMap? Map) Analyze(ColumnDescriptor column, MappingSchema mappingSchema, StringMatching matching)
    {
        ArgumentNullException.ThrowIfNull(column);
        var type = column.StorageType;
        if (type != column.MemberType)
        {
            return (true, null); // the stored member is not what queries compare
        }

        Func<object?, object?> toStored;
        bool plainShape;
        try
        {
            var value = Expression.Parameter(type, "value");
            var converted = ColumnDescriptor.ApplyConversions(mappingSchema, value, column.GetDbDataType(true), column.ValueConverter, includingEnum: true);
            if (ReferenceEquals(converted, value))
            {
                return (false, null);
            }

            plainShape = IsPlainShape(converted);
            toStored = Compile(value, converted);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException or LinqToDB.LinqToDBException)
        {
            return (true, null);
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (plainShape && KeepsSamples(underlying, toStored))
        {
            return (false, null); // a widening or a DataParameter wrapper: the stored value is the CLR value
        }

        List<object?>? domain = underlying == typeof(bool) ? [false, true]
            : underlying.IsEnum ? [.. Enum.GetValues(underlying).Cast<object>().Distinct()]
            : null;
        if (domain is null)
        {
            return (true, null);
        }

        var pairs = new List<(object? Clr, object? Stored)>(domain.Count + 1);
        try
        {
            foreach (var v in domain)
            {
                pairs.Add((v, toStored(v)));
            }

            if (type != underlying || !type.IsValueType)
            {
                pairs.Add((null, toStored(null)));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return (true, null); // the user's converter throws for some value of the domain
        }

        if (underlying.IsEnum && IsUnderlyingMapping(pairs))
        {
            return (false, null); // the default enum mapping: its integer, as ValueEncoder encodes enums
        }

        var map = StoredValueMap.TryCreate(pairs, matching);
        return map is null ? (true, null) : (false, map);
    }

    private static Func<object?, object?> Compile(ParameterExpression value, Expression converted)
    {
        var input = Expression.Parameter(typeof(object), "input");
        Expression body = converted;
        if (typeof(DataParameter).IsAssignableFrom(body.Type))
        {
            var parameter = Expression.Variable(body.Type, "p");
            body = Expression.Block(
                [parameter],
                Expression.Assign(parameter, body),
                Expression.Condition(Expression.Equal(parameter, Expression.Constant(null, body.Type)), Expression.Constant(null), Expression.Property(parameter, nameof(DataParameter.Value))));
        }

        var lambda = Expression.Lambda<Func<object?, object?>>(
            Expression.Block(
                [value],
                Expression.Assign(value, Expression.Convert(input, value.Type)),
                Expression.Convert(body, typeof(object))),
            input);
        return lambda.Compile();
    }

    /// <summary>True when the conversion runs no user code: only conversions, constructors, conditions, member reads.</summary>
    private static bool IsPlainShape(Expression expression)
    {
        var finder = new CallFinder();
        finder.Visit(expression);
        return !finder.Found;
    }

    /// <summary>Whether sample values come back unchanged (numerically, for numbers) through the conversion.</summary>
    private static bool KeepsSamples(Type type, Func<object?, object?> toStored)
    {
        var samples = Samples(type);
        if (samples is null)
        {
            return false;
        }

        foreach (var sample in samples)
        {
            var stored = toStored(sample);
            if (!SameValue(sample, stored))
            {
                return false;
            }
        }

        return true;
    }

    private static object[]? Samples(Type type)
    {
        if (type.IsEnum)
        {
            return null;
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => [false, true],
            TypeCode.SByte => [sbyte.MinValue, (sbyte)0, sbyte.MaxValue],
            TypeCode.Byte => [(byte)0, byte.MaxValue],
            TypeCode.Int16 => [short.MinValue, (short)0, short.MaxValue],
            TypeCode.UInt16 => [(ushort)0, ushort.MaxValue],
            TypeCode.Int32 => [int.MinValue, 0, int.MaxValue],
            TypeCode.UInt32 => [0u, uint.MaxValue],
            TypeCode.Int64 => [long.MinValue, 0L, long.MaxValue],
            TypeCode.UInt64 => [0UL, ulong.MaxValue],
            TypeCode.Single => [0f, 1.5f, -2.25f],
            TypeCode.Double => [0d, 1.5d, -2.25d],
            TypeCode.Decimal => [0m, 1.5m, -2.25m, 79228162514264337593543950335m],
            TypeCode.String => [string.Empty, "a", "A ", "\u00e9"],
            TypeCode.Char => ['a', 'Z'],
            TypeCode.DateTime => [new DateTime(2001, 2, 3, 4, 5, 6, 7, DateTimeKind.Unspecified)],
            _ when type == typeof(Guid) => [new Guid("0f8fad5b-d9cb-469f-a165-70867728950e")],
            _ when type == typeof(DateTimeOffset) => [new DateTimeOffset(2001, 2, 3, 4, 5, 6, 7, TimeSpan.Zero)],
            _ when type == typeof(TimeSpan) => [TimeSpan.FromMinutes(61)],
            _ when type == typeof(DateOnly) => [new DateOnly(2001, 2, 3)],
            _ when type == typeof(TimeOnly) => [new TimeOnly(4, 5, 6)],
            _ => null,
        };
    }

    private static bool SameValue(object sample, object? stored)
    {
        if (stored is null)
        {
            return false;
        }

        if (IsNumber(sample) && IsNumber(stored))
        {
            try
            {
                return Convert.ToDecimal(sample, CultureInfo.InvariantCulture) == Convert.ToDecimal(stored, CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                return Convert.ToDouble(sample, CultureInfo.InvariantCulture).Equals(Convert.ToDouble(stored, CultureInfo.InvariantCulture));
            }
        }

        return sample.Equals(stored);
    }

    private static bool IsNumber(object value) => value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    private static bool IsUnderlyingMapping(List<(object? Clr, object? Stored)> pairs)
    {
        foreach (var (clr, stored) in pairs)
        {
            if (clr is null)
            {
                if (stored is not null)
                {
                    return false;
                }

                continue;
            }

            if (stored is null || !IsNumber(stored) || stored is float or double
                || Convert.ToDecimal(Convert.ChangeType(clr, Enum.GetUnderlyingType(clr.GetType()), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
                    != Convert.ToDecimal(stored, CultureInfo.InvariantCulture))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class CallFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        public override Expression? Visit(Expression? node)
        {
            if (node is null || Found)
            {
                return node;
            }

            switch (node.NodeType)
            {
                case ExpressionType.Call or ExpressionType.Invoke or ExpressionType.Lambda or ExpressionType.Switch or ExpressionType.Extension
                    or ExpressionType.Block or ExpressionType.Loop or ExpressionType.Try or ExpressionType.Dynamic:
                    Found = true;
                    return node;
                case ExpressionType.Convert or ExpressionType.ConvertChecked when ((UnaryExpression)node).Method is not null:
                    Found = true; // a user-defined conversion operator
                    return node;
                default:
                    return base.Visit(node);
            }
        }
    }
}

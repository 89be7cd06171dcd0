using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Reads a value that a query depends on without it appearing in the query's expression (a value a linq2db query filter
/// reads from the data context, <c>((MyDb)db).TenantId</c>, or from a captured variable) and appends it to a key. The chain
/// of members and reference conversions is compiled once into one typed delegate: reading and hashing allocate nothing.
/// </summary>
/// <remarks>
/// A null hop or a failed conversion is hashed as its own marker (the query itself would throw or read null there). A reader
/// exists only for chains made of fields, properties without index parameters and conversions, rooted at the given
/// parameter, a constant or a static member; anything else has no reader and the caller must not cache.
/// </remarks>
internal abstract class ValueChainReader
{
    /// <summary>Reads the chain from <paramref name="root"/> (ignored for chains rooted at a constant or a static member) and hashes the value.</summary>
    /// <param name="root">The value of the chain's root parameter.</param>
    /// <param name="walk">The walk to append to.</param>
    public abstract void Append(object? root, ref HashWalk walk);

    /// <summary>Compiles a reader for <paramref name="chain"/>, or returns <see langword="null"/> when it is not a plain chain.</summary>
    /// <param name="chain">A member chain, possibly through conversions.</param>
    /// <param name="root">The parameter the chain may start from (its value is passed to <see cref="Append"/>), or <see langword="null"/>.</param>
    /// <returns>The reader, or <see langword="null"/>.</returns>
    public static ValueChainReader? TryCreate(Expression chain, ParameterExpression? root)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Type.IsByRefLike || chain.Type.IsPointer || !IsPlainChain(chain, root))
        {
            return null;
        }

        var factory = typeof(ValueChainReader).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;
        return (ValueChainReader)factory.MakeGenericMethod(chain.Type).Invoke(null, [chain, root])!;
    }

    private static ValueChainReader<T> Create<T>(Expression chain, ParameterExpression? root)
    {
        // Nested conditionals (no labels or returns: those make the compiled delegate allocate on every call): each hop is
        // read once into a block variable, checked (null, failed conversion), and the rest of the chain continues from it.
        var input = Expression.Parameter(typeof(object), "root");
        var failed = Expression.Default(typeof(ChainRead<T>));
        var ctor = typeof(ChainRead<T>).GetConstructor([typeof(bool), typeof(T)])!;
        var body = Build(chain, root, input, failed, value => Expression.New(ctor, Expression.Constant(true), value));
        return new ValueChainReader<T>(Expression.Lambda<Func<object?, ChainRead<T>>>(body, input).Compile());
    }

    private static bool IsPlainChain(Expression node, ParameterExpression? root) => node switch
    {
        ParameterExpression parameter => ReferenceEquals(parameter, root),
        ConstantExpression => true,
        MemberExpression { Member: FieldInfo } field => field.Expression is null || IsPlainChain(field.Expression, root),
        MemberExpression { Member: PropertyInfo property } member =>
            property.GetMethod is not null && property.GetIndexParameters().Length == 0 && (member.Expression is null || IsPlainChain(member.Expression, root)),
        UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs, Method: null } conversion => IsPlainChain(conversion.Operand, root),
        _ => false,
    };

    private static Expression Build(Expression node, ParameterExpression? root, ParameterExpression input, Expression failed, Func<Expression, Expression> then)
    {
        switch (node)
        {
            case ParameterExpression parameter when ReferenceEquals(parameter, root):
            {
                var typed = Expression.Variable(parameter.Type, "r");
                return Expression.Condition(
                    Expression.TypeIs(input, parameter.Type),
                    Expression.Block([typed], Expression.Assign(typed, Expression.Convert(input, parameter.Type)), then(typed)),
                    failed);
            }

            case MemberExpression member:
            {
                if (member.Expression is null)
                {
                    return Hop(null, member, then);
                }

                return Build(member.Expression, root, input, failed, instance =>
                    !instance.Type.IsValueType || Nullable.GetUnderlyingType(instance.Type) is not null
                        ? Expression.Condition(Expression.Equal(instance, Expression.Constant(null, instance.Type)), failed, Hop(instance, member, then))
                        : Hop(instance, member, then));
            }

            case UnaryExpression conversion:
                return Build(conversion.Operand, root, input, failed, operand =>
                {
                    var converted = Expression.Variable(conversion.Type, "c");
                    var assign = Expression.Block([converted], Expression.Assign(converted, Expression.Convert(operand, conversion.Type)), then(converted));

                    // A reference conversion that would throw (or give null) in the query: hash it as a failed read.
                    return !conversion.Type.IsValueType && !operand.Type.IsValueType
                        ? Expression.Condition(Expression.TypeIs(operand, conversion.Type), assign, failed)
                        : assign;
                });

            default:
                return then(node); // a constant
        }
    }

    private static BlockExpression Hop(Expression? instance, MemberExpression member, Func<Expression, Expression> then)
    {
        var hop = Expression.Variable(member.Type, "h");
        return Expression.Block([hop], Expression.Assign(hop, Expression.MakeMemberAccess(instance, member.Member)), then(hop));
    }
}

/// <summary>The result of a compiled chain read: whether every hop succeeded, and the value.</summary>
/// <typeparam name="T">The value type.</typeparam>
internal readonly record struct ChainRead<T>(bool Ok, T Value);

/// <summary>A <see cref="ValueChainReader"/> of a chain whose value has static type <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class ValueChainReader<T>(Func<object?, ChainRead<T>> read) : ValueChainReader
{
    public override void Append(object? root, ref HashWalk walk)
    {
        ChainRead<T> result;
        try
        {
            result = read(root);
        }
        catch (Exception)
        {
            // User code (a property getter, a checked conversion) threw: fail open, the query runs uncached.
            walk.MarkUnhashable();
            return;
        }

        if (!result.Ok)
        {
            walk.WriteValueTag(HashTag.NullDereference);
            return;
        }

        walk.WriteValueTag(HashTag.ClosureValue);
        TypedValueHasher<T>.Instance.Append(result.Value, ref walk);
    }
}

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
        if (chain.Type.IsByRefLike || chain.Type.IsPointer)
        {
            return null;
        }

        var input = Expression.Parameter(typeof(object), "root");
        var fail = Expression.Label("fail");
        var variables = new List<ParameterExpression>();
        var body = new List<Expression>();
        var value = Build(chain, root, input, fail, variables, body);
        if (value is null)
        {
            return null;
        }

        var factory = typeof(ValueChainReader).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;
        return (ValueChainReader)factory.MakeGenericMethod(chain.Type).Invoke(null, [input, fail, variables, body, value])!;
    }

    private static ValueChainReader<T> Create<T>(
        ParameterExpression input, LabelTarget fail, List<ParameterExpression> variables, List<Expression> body, Expression value)
    {
        var done = Expression.Label(typeof(ChainRead<T>), "done");
        var ctor = typeof(ChainRead<T>).GetConstructor([typeof(bool), typeof(T)])!;
        body.Add(Expression.Return(done, Expression.New(ctor, Expression.Constant(true), value)));
        body.Add(Expression.Label(fail));
        body.Add(Expression.Label(done, Expression.Default(typeof(ChainRead<T>))));
        var lambda = Expression.Lambda<Func<object?, ChainRead<T>>>(Expression.Block(variables, body), input);
        return new ValueChainReader<T>(lambda.Compile());
    }

    private static Expression? Build(
        Expression node, ParameterExpression? root, ParameterExpression input, LabelTarget fail, List<ParameterExpression> variables, List<Expression> body)
    {
        switch (node)
        {
            case ParameterExpression parameter when ReferenceEquals(parameter, root):
            {
                var typed = Expression.Variable(parameter.Type, "r");
                variables.Add(typed);
                body.Add(Expression.IfThen(Expression.Not(Expression.TypeIs(input, parameter.Type)), Expression.Goto(fail)));
                body.Add(Expression.Assign(typed, Expression.Convert(input, parameter.Type)));
                return typed;
            }

            case ConstantExpression:
                return node;

            case MemberExpression { Member: FieldInfo or PropertyInfo } member:
            {
                if (member.Member is PropertyInfo property && (property.GetMethod is null || property.GetIndexParameters().Length != 0))
                {
                    return null;
                }

                Expression? instance = null;
                if (member.Expression is not null)
                {
                    instance = Build(member.Expression, root, input, fail, variables, body);
                    if (instance is null)
                    {
                        return null;
                    }

                    if (!instance.Type.IsValueType || Nullable.GetUnderlyingType(instance.Type) is not null)
                    {
                        body.Add(Expression.IfThen(Expression.Equal(instance, Expression.Constant(null, instance.Type)), Expression.Goto(fail)));
                    }
                }

                var hop = Expression.Variable(member.Type, "h");
                variables.Add(hop);
                body.Add(Expression.Assign(hop, Expression.MakeMemberAccess(instance, member.Member)));
                return hop;
            }

            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs, Method: null } conversion:
            {
                var operand = Build(conversion.Operand, root, input, fail, variables, body);
                if (operand is null)
                {
                    return null;
                }

                var converted = Expression.Variable(conversion.Type, "c");
                variables.Add(converted);
                if (!conversion.Type.IsValueType && !operand.Type.IsValueType)
                {
                    // A reference conversion that would throw (or give null) in the query: hash it as a failed read.
                    body.Add(Expression.IfThen(Expression.Not(Expression.TypeIs(operand, conversion.Type)), Expression.Goto(fail)));
                }

                body.Add(Expression.Assign(converted, Expression.Convert(operand, conversion.Type)));
                return converted;
            }

            default:
                return null;
        }
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

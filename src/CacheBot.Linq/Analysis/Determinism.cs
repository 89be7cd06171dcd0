using System.Reflection;

namespace CacheBot.Linq.Analysis;

/// <summary>
/// Which methods and members give the same answer for the same inputs. A client-evaluated call that is not known
/// pure is refused: the key holds its inputs, not its result, so caching it could serve another run's answer.
/// </summary>
internal static class Determinism
{
    private static readonly HashSet<Type> PureTypes =
    [
        typeof(string), typeof(Math), typeof(MathF), typeof(Convert), typeof(char), typeof(bool), typeof(byte), typeof(sbyte),
        typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong), typeof(float), typeof(double),
        typeof(decimal), typeof(Guid), typeof(TimeSpan), typeof(DateOnly), typeof(TimeOnly), typeof(DateTime), typeof(DateTimeOffset),
        typeof(Enum), typeof(Nullable), typeof(object), typeof(StringComparer), typeof(Enumerable), typeof(Queryable),
    ];

    /// <summary>Names a member for a refusal detail: <c>DateTime.Now</c>, <c>Guid.NewGuid()</c>.</summary>
    public static string Describe(MemberInfo member)
    {
        var name = member.Name;
        if (member is MethodInfo { IsSpecialName: true } && (name.StartsWith("get_", StringComparison.Ordinal) || name.StartsWith("set_", StringComparison.Ordinal)))
        {
            name = name[4..];
        }
        else if (member is MethodBase)
        {
            name += "()";
        }

        return member.DeclaringType is { } type ? TypeName(type) + "." + name : name;
    }

    /// <summary>Names the target of an invocation for a refusal detail (the captured variable's name when there is one).</summary>
    public static string Describe(System.Linq.Expressions.Expression node) => node switch
    {
        System.Linq.Expressions.MemberExpression member => member.Member.Name,
        System.Linq.Expressions.ParameterExpression parameter => parameter.Name ?? "parameter",
        _ => node.NodeType.ToString(),
    };

    /// <summary>
    /// Returns whether the runtime behaviour of <paramref name="type"/>'s methods is the framework's (core library, collections),
    /// not user code: a client-side call is trusted to be a function of the values the key holds only on such types. Generic
    /// instantiations must have trusted (or scalar) type arguments too: <c>List&lt;UserType&gt;.Contains</c> runs the user's <c>Equals</c>.
    /// </summary>
    public static bool IsTrustedType(Type type)
    {
        if (type.IsArray)
        {
            return IsTrustedType(type.GetElementType()!);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return IsTrustedType(underlying);
        }

        if (type.IsEnum)
        {
            return true;
        }

        var assembly = type.Assembly;
        if (assembly != typeof(object).Assembly && assembly != typeof(HashSet<>).Assembly && assembly != typeof(Enumerable).Assembly
            && assembly != typeof(System.Collections.Immutable.ImmutableArray).Assembly)
        {
            return false;
        }

        if (type.IsGenericType)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                if (!IsTrustedType(argument))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string TypeName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", Array.ConvertAll(type.GetGenericArguments(), TypeName)) + ">";
    }

    public static bool IsNonDeterministic(MemberInfo member)
    {
        var type = member.DeclaringType;
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return member.Name is "Now" or "UtcNow" or "Today";
        }

        if (type == typeof(Guid))
        {
            return member.Name is "NewGuid" or "CreateVersion7";
        }

        if (type == typeof(Environment))
        {
            return member.Name is "TickCount" or "TickCount64";
        }

        return type == typeof(Random) || type == typeof(TimeProvider) || type == typeof(System.Diagnostics.Stopwatch)
            || (type?.IsGenericType == true && type.GetGenericTypeDefinition() == typeof(Lazy<>));
    }

    /// <summary>
    /// Returns whether <paramref name="method"/> reads the current culture or time zone (<c>ToUpper()</c>,
    /// <c>ToString()</c>, <c>Parse</c>, <c>ToLocalTime</c>, ...): evaluated on the client, its result is not determined by
    /// the values the key holds, so two threads with different cultures could share an entry.
    /// </summary>
    public static bool IsCultureSensitive(MethodInfo method)
    {
        var type = method.DeclaringType;
        if (type is null || !(type == typeof(string) || type.IsPrimitive || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly)
            || type == typeof(Convert) || type == typeof(Enum)))
        {
            return false;
        }

        return method.Name is "ToUpper" or "ToLower" or "ToString" or "Parse" or "TryParse" or "Format" or "Compare" or "CompareTo"
            or "ToLocalTime" or "ToUniversalTime" or "ToShortDateString" or "ToLongDateString" or "ToShortTimeString" or "ToLongTimeString"
            or "StartsWith" or "EndsWith" or "IndexOf" or "LastIndexOf" or "ChangeType" or "ToDateTime" or "ToDecimal" or "ToDouble"
            or "ToSingle" or "ToInt32" or "ToInt64";
    }

    /// <summary>Returns whether a client-side call to <paramref name="method"/> is known to be pure (same inputs, same output).</summary>
    public static bool IsKnownPure(MethodInfo method)
    {
        if (IsNonDeterministic(method))
        {
            return false;
        }

        var type = method.DeclaringType;
        if (type is null)
        {
            return false;
        }

        if (PureTypes.Contains(type) || type.IsEnum || type.IsPrimitive)
        {
            return true;
        }

        if (type == typeof(MemoryExtensions))
        {
            // C# 14 binds array.Contains(x) to MemoryExtensions.Contains(ReadOnlySpan<T>, T), also inside expression trees.
            return method.Name is "Contains";
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(ReadOnlySpan<>) || definition == typeof(Span<>))
            {
                return method.Name is "op_Implicit";
            }

            if (definition == typeof(Nullable<>) || definition == typeof(List<>) || definition == typeof(HashSet<>)
                || definition == typeof(ICollection<>) || definition == typeof(IList<>) || definition == typeof(ISet<>)
                || definition == typeof(IReadOnlySet<>) || definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyList<>)
                || definition == typeof(IReadOnlyCollection<>) || definition == typeof(System.Collections.ObjectModel.ReadOnlyCollection<>))
            {
                return method.Name is "Contains" or "ContainsKey" or "get_Item" or "get_Count" or "GetValueOrDefault" or "get_Value"
                    or "get_HasValue" or "Equals";
            }
        }

        return method.Name is "Equals" or "GetValueOrDefault" or "CompareTo";
    }
}

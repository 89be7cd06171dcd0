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
                || definition == typeof(IReadOnlySet<>) || definition == typeof(Dictionary<,>))
            {
                return method.Name is "Contains" or "ContainsKey" or "get_Item" or "get_Count" or "GetValueOrDefault" or "get_Value"
                    or "get_HasValue" or "Equals";
            }
        }

        return method.Name is "Equals" or "GetValueOrDefault" or "CompareTo";
    }
}

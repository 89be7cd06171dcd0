using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.Linq.Keys;

/// <summary>
/// Reads a lambda's parameters without allocating. <see cref="LambdaExpression.Parameters"/> creates a
/// <c>ReadOnlyCollection</c> on first access for the specialised lambda nodes the C# compiler builds, i.e. once per
/// freshly built query tree; the runtime's own non-allocating accessors (<c>ParameterCount</c>, <c>GetParameter(int)</c>,
/// which back its internal <c>IParameterProvider</c>) are bound once as open delegates.
/// </summary>
/// <remarks>
/// These accessors are not public API. If a runtime does not have them with the expected signatures, the binding yields
/// <see langword="null"/> and the public, allocating <see cref="LambdaExpression.Parameters"/> is used: correctness never
/// depends on them, only the zero-allocation guarantee for fresh trees does.
/// </remarks>
internal static class LambdaParameters
{
    private static readonly Func<LambdaExpression, int>? CountAccessor = BindCount();

    private static readonly Func<LambdaExpression, int, ParameterExpression>? ParameterAccessor = BindParameter();

    public static int Count(LambdaExpression lambda) =>
        CountAccessor is { } count && ParameterAccessor is not null ? count(lambda) : lambda.Parameters.Count;

    public static ParameterExpression Get(LambdaExpression lambda, int index) =>
        CountAccessor is not null && ParameterAccessor is { } get ? get(lambda, index) : lambda.Parameters[index];

    private static Func<LambdaExpression, int>? BindCount()
    {
        try
        {
            var getter = typeof(LambdaExpression).GetProperty("ParameterCount", BindingFlags.NonPublic | BindingFlags.Instance)?.GetMethod;
            return getter is { IsStatic: false } && getter.ReturnType == typeof(int) && getter.GetParameters().Length == 0
                ? getter.CreateDelegate<Func<LambdaExpression, int>>()
                : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static Func<LambdaExpression, int, ParameterExpression>? BindParameter()
    {
        try
        {
            var method = typeof(LambdaExpression).GetMethod(
                "GetParameter", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(int)]);
            return method is { IsStatic: false } && method.ReturnType == typeof(ParameterExpression)
                ? method.CreateDelegate<Func<LambdaExpression, int, ParameterExpression>>()
                : null;
        }
        catch (Exception)
        {
            return null;
        }
    }
}

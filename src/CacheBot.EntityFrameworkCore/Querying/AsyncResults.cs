using System.Linq.Expressions;
using System.Reflection;

namespace CacheBot.EntityFrameworkCore.Querying;

/// <summary>
/// How EF's async operators' result types map onto the cache: <c>Task&lt;T&gt;</c> (<c>CountAsync</c>, <c>FirstAsync</c>,
/// ...) and <c>IAsyncEnumerable&lt;T&gt;</c>. The delegate is built once per result type, so a call does no reflection.
/// </summary>
/// <typeparam name="TResult">The result type EF asks for.</typeparam>
internal static class AsyncResults<TResult>
{
    public static readonly Func<EfCacheBotProvider, Expression, CancellationToken, TResult>? Run = Create();

    private static Func<EfCacheBotProvider, Expression, CancellationToken, TResult>? Create()
    {
        var type = typeof(TResult);
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        var name = definition == typeof(Task<>) ? nameof(EfCacheBotProvider.ExecuteScalarTask)
            : definition == typeof(IAsyncEnumerable<>) ? nameof(EfCacheBotProvider.ExecuteSequenceAsyncEnumerable)
            : null;
        if (name is null)
        {
            return null;
        }

        var method = typeof(EfCacheBotProvider).GetMethod(name, BindingFlags.Instance | BindingFlags.NonPublic)!
            .MakeGenericMethod(type.GetGenericArguments()[0]);
        return method.CreateDelegate<Func<EfCacheBotProvider, Expression, CancellationToken, TResult>>();
    }
}

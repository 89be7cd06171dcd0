namespace CacheBot.Linq.Querying;

/// <summary>
/// The sync half of the shared sync/async implementation: with <c>async: false</c> every inner call completes
/// synchronously, so the returned <see cref="ValueTask{TResult}"/> is already complete.
/// </summary>
internal static class SyncPath
{
    public static T Result<T>(ValueTask<T> task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("CacheBot's synchronous path did not complete synchronously; this is a bug, please report it.");
        }

        return task.GetAwaiter().GetResult();
    }
}

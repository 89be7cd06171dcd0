namespace CacheBot.Linq.Providers;

/// <summary>
/// The sync half of a shared sync/async implementation (one method with a <c>bool async</c> parameter returning a
/// <see cref="ValueTask{TResult}"/>): with <c>async: false</c> every inner call completes synchronously, so the task is
/// already complete and its result can be read without blocking.
/// </summary>
public static class SyncPath
{
    /// <summary>Returns the result of a task that a synchronous path produced.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">A task returned by a method called with <c>async: false</c>.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="InvalidOperationException">The task is not complete: the method did not honour <c>async: false</c>.</exception>
    public static T Result<T>(ValueTask<T> task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("CacheBot's synchronous path did not complete synchronously; this is a bug, please report it.");
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Completes a task that a synchronous path produced (rethrowing its exception).</summary>
    /// <param name="task">A task returned by a method called with <c>async: false</c>.</param>
    /// <exception cref="InvalidOperationException">The task is not complete: the method did not honour <c>async: false</c>.</exception>
    public static void Wait(ValueTask task)
    {
        if (!task.IsCompleted)
        {
            throw new InvalidOperationException("CacheBot's synchronous path did not complete synchronously; this is a bug, please report it.");
        }

        task.GetAwaiter().GetResult();
    }
}

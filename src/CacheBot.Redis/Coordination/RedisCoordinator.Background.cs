using System.Diagnostics;
using CacheBot.Redis.Diagnostics;
using StackExchange.Redis;

namespace CacheBot.Redis.Coordination;

/// <summary>Work done off the read path: bounded-mode refreshes and reaping expired announcements.</summary>
internal sealed partial class RedisCoordinator
{
    private static readonly TimeSpan ReapInterval = TimeSpan.FromMilliseconds(200);
    private int _reaping;
    private long _lastReap;

    /// <summary>Bounded mode: catch up in the background so that reads keep finding a young enough state.</summary>
    private void StartRefresh()
    {
        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.RefreshAsync(), this, preferLocal: false);
        }
    }

    private async Task RefreshAsync()
    {
        try
        {
            await CatchUpAsync(Stopwatch.GetTimestamp(), async: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.CatchUpFailed(Logger, ex);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    /// <summary>An announcement passed its deadline (its writer died or lost Redis): publish it as table writes.</summary>
    private void StartReap()
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastReap), now) < ReapInterval || Interlocked.CompareExchange(ref _reaping, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _lastReap, now);
        ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.ReapAsync(), this, preferLocal: false);
    }

    private async Task ReapAsync()
    {
        try
        {
            await PublishCoreAsync("", RedisValue.EmptyString, _options.WriteTimeout, async: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.CatchUpFailed(Logger, ex);
        }
        finally
        {
            Volatile.Write(ref _reaping, 0);
        }
    }
}

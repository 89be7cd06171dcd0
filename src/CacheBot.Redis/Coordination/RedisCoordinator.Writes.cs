using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Redis.Diagnostics;
using CacheBot.Redis.Serialization;
using StackExchange.Redis;

namespace CacheBot.Redis.Coordination;

/// <summary>The write side: announce before the commit, publish after it, retry publishes that failed.</summary>
internal sealed partial class RedisCoordinator
{
    private readonly ConcurrentQueue<(string Intent, byte[] Payload, long Since)> _retries = new();
    private int _retrying;

    public override async ValueTask<object?> BeginCommitAsync(IReadOnlyList<WriteRecord> intents, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intents);
        var id = Origin + ":" + Interlocked.Increment(ref _intentSequence).ToString(CultureInfo.InvariantCulture);
        RedisValue[] args = [id, WriteCodec.EncodeCoarse(intents), NewEpoch(), NewNonce(), _ttlSeconds, _logLength, _leaseMilliseconds];
        try
        {
            await EvaluateAsync(Scripts.Announce, args, _options.WriteTimeout, async, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
        {
            Log.AnnounceFailed(Logger, ex);
            throw new CacheBotException(
                "The write was not committed: CacheBot could not announce it to the other processes sharing this cache through Redis ("
                + ex.Message + "). Other processes would otherwise keep serving results it changes. Retry the write when Redis is "
                + "reachable (docs/scale-out.md, \"Faults\").",
                ex);
        }

        return id;
    }

    public override async ValueTask<long?> CompleteCommitAsync(
        object? token, IReadOnlyList<WriteRecord> writes, bool committed, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var intent = token as string ?? "";
        if (!committed || writes.Count == 0)
        {
            // Nothing to publish: withdraw the announcement. If that fails it expires into a table write (sound, coarse).
            try
            {
                await PublishCoreAsync(intent, RedisValue.EmptyString, _options.WriteTimeout, async, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRedisFailure(ex, cancellationToken))
            {
                Log.CatchUpFailed(Logger, ex);
            }

            return committed ? _link?.MaxAppliedPosition : null;
        }

        var payload = WriteCodec.Encode(writes, _options.MaxEntryBytes);
        try
        {
            var (epoch, entry) = await PublishCoreAsync(intent, payload, _options.WriteTimeout, async, cancellationToken).ConfigureAwait(false);
            var state = State;
            return epoch == state.Epoch && entry > 0 ? state.Local(entry) : null;
        }
        catch (Exception ex) when (IsRedisFailure(ex, cancellationToken) || ex is OperationCanceledException)
        {
            // Outcome unknown (it may still land): the cache drops its entries; the publish is retried; meanwhile the
            // announcement keeps the tables unsettled in every other process, and expires into a table write.
            Log.PublishFailed(Logger, ex);
            _retries.Enqueue((intent, payload, Stopwatch.GetTimestamp()));
            StartRetry();
            return null;
        }
    }

    /// <summary>Runs the publish script: withdraws <paramref name="intent"/>, appends <paramref name="payload"/> (when not empty), reaps.</summary>
    private async ValueTask<(string Epoch, long Entry)> PublishCoreAsync(
        string intent, RedisValue payload, TimeSpan timeout, bool async, CancellationToken cancellationToken)
    {
        RedisValue[] args = [intent, payload, Origin, NewEpoch(), NewNonce(), _ttlSeconds, _logLength];
        var result = await EvaluateAsync(Scripts.Publish, args, timeout, async, cancellationToken).ConfigureAwait(false);
        return ((string)result[0]!, (long)result[1]);
    }

    private void StartRetry()
    {
        if (!IsDisposed && Interlocked.CompareExchange(ref _retrying, 1, 0) == 0)
        {
            _ = Task.Run(RetryLoopAsync);
        }
    }

    private async Task RetryLoopAsync()
    {
        var giveUpAfter = TimeSpan.FromTicks(Math.Max(_options.IntentTimeToLive.Ticks * 4, TimeSpan.FromMinutes(1).Ticks));
        var delay = TimeSpan.FromMilliseconds(100);
        try
        {
            while (!IsDisposed && _retries.TryPeek(out var item))
            {
                if (Stopwatch.GetElapsedTime(item.Since) > giveUpAfter)
                {
                    // Long past the announcement's deadline: a reaper has turned it into a table write, or Redis lost it
                    // (and with it the epoch, so every process dropped its entries).
                    _retries.TryDequeue(out _);
                    continue;
                }

                try
                {
                    await PublishCoreAsync(item.Intent, item.Payload, _options.WriteTimeout, async: true, CancellationToken.None).ConfigureAwait(false);
                    _retries.TryDequeue(out _);
                    delay = TimeSpan.FromMilliseconds(100);
                }
                catch (Exception ex) when (IsRedisFailure(ex, CancellationToken.None))
                {
                    await Task.Delay(delay).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _retrying, 0);
            if (!_retries.IsEmpty)
            {
                StartRetry();
            }
        }
    }
}

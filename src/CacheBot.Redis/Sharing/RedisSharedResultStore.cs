using CacheBot.Linq.Providers;
using CacheBot.Redis.Coordination;
using CacheBot.Redis.Diagnostics;
using CacheBot.Redis.Serialization;
using StackExchange.Redis;

namespace CacheBot.Redis.Sharing;

/// <summary>
/// Keeps query results in Redis for the other processes sharing the coordinator (<c>ShareResults</c>): one string key per
/// portable query key, with the result's time to live.
/// </summary>
/// <remarks>
/// <para>Positions: a result is stored with the epoch and the log entry number its read position stands for (local position
/// minus this process's offset), and read back as that entry number plus the reader's offset, only in the same epoch;
/// the cache then checks it against its own stamps (a write the reader applied after that entry, on any of the result's
/// dependency keys, rejects it). A result read in an earlier epoch of this process is not stored.</para>
/// <para>Never throws: a Redis failure, a timeout or a value that cannot be read means "not found" (and nothing stored).</para>
/// </remarks>
internal sealed class RedisSharedResultStore(RedisCoordinator coordinator) : ISharedResultStore
{
    private const byte Version = 1;
    private const int MaxBytes = 1024 * 1024;

    public async ValueTask<SharedResult?> TryGetAsync(UInt128 key, Type resultType, bool async, CancellationToken cancellationToken)
    {
        try
        {
            var database = coordinator.Redis.GetDatabase();
            var redisKey = Key(key);
            var value = async
                ? await database.StringGetAsync(redisKey).WaitAsync(coordinator.Options.ReadTimeout, cancellationToken).ConfigureAwait(false)
                : database.StringGet(redisKey);
            if (value.IsNull)
            {
                return null;
            }

            return Decode((byte[])value!, resultType, coordinator.State);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SharedStoreFailed(coordinator.Logger, "get", ex);
            return null;
        }
    }

    public async ValueTask StoreAsync(UInt128 key, Type resultType, SharedResult result, TimeSpan timeToLive, bool async, CancellationToken cancellationToken)
    {
        try
        {
            if (Encode(resultType, result, coordinator.State) is not { } payload)
            {
                return;
            }

            var database = coordinator.Redis.GetDatabase();
            if (async)
            {
                await database.StringSetAsync(Key(key), payload, timeToLive).WaitAsync(coordinator.Options.WriteTimeout, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                database.StringSet(Key(key), payload, timeToLive);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SharedStoreFailed(coordinator.Logger, "set", ex);
        }
    }

    /// <summary>The payload, or <see langword="null"/> when the result cannot be shared exactly (or belongs to an earlier epoch).</summary>
    internal static byte[]? Encode(Type resultType, SharedResult result, LogState state)
    {
        if (state.Epoch is null || result.Position < state.Start)
        {
            return null;
        }

        var writer = new PayloadWriter();
        writer.WriteByte(Version);
        if (!writer.TryWriteString(state.Epoch))
        {
            return null;
        }

        writer.WriteInt64(result.Position - state.Offset);
        writer.WriteCount((ulong)result.DependencyKeys.Count);
        foreach (var dependency in result.DependencyKeys)
        {
            writer.WriteInt64(unchecked((long)dependency));
        }

        return ResultCodec.TryWrite(writer, resultType, result.Value) && writer.Length <= MaxBytes ? writer.ToArray() : null;
    }

    internal static SharedResult? Decode(byte[] payload, Type resultType, LogState state)
    {
        var reader = new PayloadReader(payload);
        if (reader.ReadByte() != Version || reader.ReadString() != state.Epoch || state.Epoch is null)
        {
            return null;
        }

        var entry = reader.ReadInt64();
        var count = reader.ReadLength();
        var keys = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = unchecked((ulong)reader.ReadInt64());
        }

        var value = ResultCodec.Read(ref reader, resultType);
        return reader.AtEnd ? new SharedResult(value, keys, entry + state.Offset) : null;
    }

    private RedisKey Key(UInt128 key) => coordinator.Keys.ResultPrefix + key.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
}

using CacheBot.Linq;
using CacheBot.Linq.Providers;
using CacheBot.Redis.Coordination;
using CacheBot.Redis.Serialization;
using CacheBot.Redis.Sharing;
using CacheBot.Redis.Tests.Infrastructure;

namespace CacheBot.Redis.Tests.Coordination;

public sealed class Dto
{
    public int Id { get; set; }

    public string? Name { get; init; }

    public Status State { get; set; }

    public List<int>? Tags { get; set; }
}

public enum Status
{
    Draft = 1,
    Live = 2,
}

public readonly record struct Pair(int A, decimal? B);

/// <summary>ShareResults: another process's miss is answered from Redis, exactly, and never after a write that changed it.</summary>
public sealed class SharedResultTests : IDisposable
{
    private readonly SharedRows _rows = new();
    private readonly string _prefix = TestRedis.UniquePrefix("shared");
    private readonly List<QueryCache> _caches = [];

    public void Dispose()
    {
        foreach (var cache in _caches)
        {
            cache.Dispose();
        }
    }

    private QueryCache Process()
    {
        var cache = SharedRows.Cache(TestRedis.Require(), r =>
        {
            r.KeyPrefix = _prefix;
            r.ShareResults = true;
        });
        _caches.Add(cache);
        return cache;
    }

    [Fact]
    public void AnotherProcessesMiss_IsAnsweredFromRedis_AndAWriteStopsIt()
    {
        var a = Process();
        var b = Process();
        var c = Process();
        Assert.Equal(4, _rows.CountUser(a, 1)); // computed by A, stored in Redis
        Assert.Equal(4, _rows.CountUser(b, 1)); // B's miss: served from Redis
        Assert.Equal(1, b.Statistics.Hits);

        _rows.Update(b, 1, userId: 0);
        Assert.Equal(3, _rows.CountUser(c, 1)); // the shared result predates the write: C runs the query
        Assert.Equal(0, c.Statistics.Hits);
        Assert.Equal(3, _rows.CountUser(a, 1));
    }

    public static TheoryData<object?, Type> Values() => new()
    {
        { 42, typeof(int) },
        { (int?)null, typeof(int?) },
        { Status.Live, typeof(Status) },
        { new Dto { Id = 3, Name = "x", State = Status.Draft }, typeof(Dto) },
        { new[] { new Dto { Id = 1 }, new Dto { Id = 2, Name = "two" } }, typeof(Dto[]) },
        { new { Id = 5, Title = "t", When = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc) }, null! },
        { new[] { new Pair(1, 2.50m), new Pair(2, null) }, typeof(Pair[]) },
        { new[] { "a", null, "c" }, typeof(string[]) },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Values_RoundTripExactly(object? value, Type? type)
    {
        type ??= value!.GetType();
        var state = new LogState("epoch", "rev", 10, "k", 5, 0);
        var payload = RedisSharedResultStore.Encode(type, new SharedResult(value, [1UL, 2UL], 12), state);
        Assert.NotNull(payload);
        var read = RedisSharedResultStore.Decode(payload, type, state)!;
        Assert.Equal(12, read.Position);
        Assert.Equal([1UL, 2UL], read.DependencyKeys);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(value), System.Text.Json.JsonSerializer.Serialize(read.Value));
        Assert.Equal(value?.GetType(), read.Value?.GetType());
        Assert.Null(RedisSharedResultStore.Decode(payload, type, state with { Epoch = "other" }));
    }

    [Fact]
    public void ValuesThatCannotRoundTrip_AreNotShared()
    {
        var state = new LogState("epoch", "rev", 10, "k", 5, 0);
        Assert.Null(RedisSharedResultStore.Encode(typeof(Dto), new SharedResult(new Dto { Tags = [1] }, [], 12), state)); // a list field
        Assert.Null(RedisSharedResultStore.Encode(typeof(object), new SharedResult(new object(), [], 12), state));
        Assert.Null(RedisSharedResultStore.Encode(typeof(int), new SharedResult(1, [], 3), state with { Start = 4 })); // an earlier epoch
        var writer = new PayloadWriter();
        Assert.False(ResultCodec.TryWrite(writer, typeof(string), "bad \ud800"));
    }
}

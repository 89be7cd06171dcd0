using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using CacheBot.Linq;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Querying;

/// <summary>
/// The core's answer-narrowed dependencies through EF Core's own query roots (<c>EntityQueryRootExpression</c>, named by the
/// dialect): a true <c>Any</c> depends on one witness row. Each read is checked against the database.
/// </summary>
public sealed class AnswerDependencyTests
{
    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public async Task AnyWithSeveralMatches_StaysCachedAsOtherMatchesLeave_AndTurnsFalseWithTheLast(string kind)
    {
        using var shop = new ShopFixture(kind);
        await using var db = shop.Cached();
        var ct = TestContext.Current.CancellationToken;
        Task<bool> AnyOfUser2() => db.Photos.AsCacheBot().Cache().AnyAsync(p => p.UserId == 2, ct);

        Assert.True(await AnyOfUser2());
        var ids = await db.Photos.AsNoTracking().Where(p => p.UserId == 2).OrderByDescending(p => p.Id).Select(p => p.Id).ToListAsync(ct);
        Assert.True(ids.Count >= 3);
        var hits = shop.Cache.Statistics.Hits;

        // Newest first: the witness (the first match the database finds) leaves last.
        foreach (var id in ids)
        {
            await db.Photos.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.UserId, 3), ct);
            Assert.Equal(id != ids[^1], await AnyOfUser2());
        }

        Assert.True(shop.Cache.Statistics.Hits - hits >= ids.Count - 2, $"{shop.Cache.Statistics.Hits - hits} hits over {ids.Count} reads");
    }
}

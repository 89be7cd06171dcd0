using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// A list that filters one table with a predicate the keys cannot narrow (an inequality, a range, a navigation) depends on
/// removals of the rows in its answer only: a row that does not match leaving changes nothing. Arrivals still hit any row.
/// Shapes where a row outside the answer can matter (the table read twice, a window) keep depending on every row. Every
/// Expect also checks the answer against the rows. Seed: photo i (1..12) has Status i % 3, Likes 10 i, Title "t" i.
/// </summary>
public sealed class AnswerKeyTests
{
    private static readonly Func<IQueryable<Photo>, object?> NotStatus2 = q => q.Where(p => p.Status != 2).OrderBy(p => p.Id).Select(p => p.Id).ToList();

    public static TheoryData<string> Projections => ["key", "anonymous", "entity", "member-init"];

    [Theory]
    [MemberData(nameof(Projections))]
    public void RowOutsideTheAnswer_Leaving_KeepsTheEntry_AndARowInsideItLeaving_DropsIt(string projection)
    {
        using var db = new TestDb();
        var query = Query(projection);
        db.Prime(query);

        // Photo 2 has status 2: not in the answer. Deleting it, or moving it further away, changes nothing.
        db.Delete<Photo>(p => p.Id == 2);
        db.Expect(Outcome.Hit, query);

        // Photo 3 (status 0) is in the answer: deleting it must drop the entry.
        db.Delete<Photo>(p => p.Id == 3);
        db.Expect(Outcome.Miss, query);
        db.Expect(Outcome.Hit, query);

        // An answer row changing a column the list reads, then one moving out of the filter.
        db.Update<Photo>(p => p.Id == 4, p => p.Likes = 1);
        db.Expect(projection is "entity" or "member-init" ? Outcome.Miss : Outcome.Hit, query);
        db.Update<Photo>(p => p.Id == 6, p => p.Status = 2);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void RowArriving_StillDropsTheEntry_AnyRowOfTheFilterMayArrive()
    {
        using var db = new TestDb();
        db.Prime(NotStatus2);
        db.Insert(new Photo { Id = 50, UserId = 1, Status = 0, Title = "new" });
        db.Expect(Outcome.Miss, NotStatus2);

        // A row outside the answer moving into the filter is an arrival.
        db.Update<Photo>(p => p.Id == 5, p => p.Status = 1);
        db.Expect(Outcome.Miss, NotStatus2);
    }

    [Fact]
    public void ProjectionWithoutTheKey_DependsOnEveryRow()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> titles = q => q.Where(p => p.Status != 2).OrderBy(p => p.Id).Select(p => p.Title).ToList();
        db.Prime(titles);
        db.Delete<Photo>(p => p.Id == 2);
        db.Expect(Outcome.Miss, titles);
    }

    [Fact]
    public void TableReadTwice_DependsOnEveryRow_ARowOutsideTheAnswerCanMakeAnotherLeave()
    {
        // The photos that are not their user's latest: the latest photos are not in the answer, yet deleting one makes the
        // next photo of that user the latest, so it leaves the answer. With the table read twice the rule must not apply.
        using var db = new TestDb();
        var photos = db.Photos;
        Func<IQueryable<Photo>, object?> older = q => q.Where(p => photos.Any(o => o.UserId == p.UserId && o.Id > p.Id)).OrderBy(p => p.Id).Select(p => p.Id).ToList();
        db.Prime(older);

        // User 2 has photos 1, 5 and 9: 9 is not in the answer, 5 is; deleting 9 removes 5 from it.
        db.Delete<Photo>(p => p.Id == 9);
        Assert.DoesNotContain(5, (List<int>)db.Expect(Outcome.Miss, older)!);
    }

    [Fact]
    public void WindowBeforeTheFilter_DependsOnEveryRow()
    {
        // The first four photos by id: deleting photo 1 (in the window, status 1) pulls photo 5 in.
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> window = q => q.OrderBy(p => p.Id).Take(4).Where(p => p.Status != 2).Select(p => p.Id).ToList();
        db.Prime(window);
        db.Delete<Photo>(p => p.Id == 2);
        db.Expect(Outcome.Miss, window);
    }

    [Fact]
    public void Window_RowOutsideItLeavingOrChangingOtherColumns_IsAHit_ARowEnteringOrLeavingIt_IsAMiss()
    {
        // User 2 has photos 1, 5 and 9: the first two by id are the window.
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> firstTwo = q => q.Where(p => p.UserId == 2).OrderBy(p => p.Id).Take(2).ToList();
        db.Prime(firstTwo);

        db.Update<Photo>(p => p.Id == 9, p => p.Title = "renamed");
        db.Expect(Outcome.Hit, firstTwo);
        db.Update<Photo>(p => p.Id == 9, p => p.UserId = 3);
        db.Expect(Outcome.Hit, firstTwo);
        db.Delete<Photo>(p => p.Id == 9);
        db.Expect(Outcome.Hit, firstTwo);

        // A row of the window changing (entities read every column), a row arriving before it, one of it leaving.
        db.Update<Photo>(p => p.Id == 5, p => p.Title = "in the window");
        db.Expect(Outcome.Miss, firstTwo);
        db.Insert(new Photo { Id = 0, UserId = 2, Status = 0, Title = "first" });
        db.Expect(Outcome.Miss, firstTwo);
        db.Delete<Photo>(p => p.Id == 1);
        db.Expect(Outcome.Miss, firstTwo);
        db.Expect(Outcome.Hit, firstTwo);

        // A row of another user moving into the filter arrives (the keys cannot tell where it sorts), then a row of the filter
        // outside the window changing its ordering column moves in.
        db.Update<Photo>(p => p.Id == 10, p => p.UserId = 2);
        db.Expect(Outcome.Miss, firstTwo);
        db.Expect(Outcome.Hit, firstTwo);
        db.Update<Photo>(p => p.Id == 10, p => p.Id = -1);
        Assert.Equal(-1, ((List<Photo>)db.Expect(Outcome.Miss, firstTwo)!)[0].Id);
    }

    [Fact]
    public void WindowOrderedByAnotherColumn_ARowOutsideItChangingThatColumn_MovesIn()
    {
        // User 2's photos by likes (1: 10, 5: 50, 9: 90), then id: the window is {1, 5}; photo 9 dropping to 0 likes enters it.
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> leastLiked = q => q.Where(p => p.UserId == 2).OrderBy(p => p.Likes).ThenBy(p => p.Id).Take(2).Select(p => p.Id).ToList();
        db.Prime(leastLiked);
        db.Update<Photo>(p => p.Id == 9, p => p.Title = "not read");
        db.Expect(Outcome.Hit, leastLiked);
        db.Update<Photo>(p => p.Id == 9, p => p.Likes = 0);
        Assert.Equal([9, 1], (List<int>)db.Expect(Outcome.Miss, leastLiked)!);
    }

    [Theory]
    [InlineData("ties")]
    [InlineData("skip")]
    public void WindowWithTiesOrAnOffset_DependsOnEveryRowOfItsFilter(string shape)
    {
        // Ordered by status only, the window is one of several answers; after Skip, a row before the page leaving shifts it.
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = shape == "ties"
            ? q => q.Where(p => p.UserId == 2).OrderBy(p => p.Status).Take(2).Select(p => p.Id).ToList()
            : q => q.Where(p => p.UserId == 2).OrderBy(p => p.Id).Skip(1).Take(1).Select(p => p.Id).ToList();
        db.Prime(query);
        db.Delete<Photo>(p => p.Id == (shape == "ties" ? 5 : 1));
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void LongAnswer_KeepsTheTableDependency()
    {
        // Above 64 rows the entry would hold too many keys: it depends on every row, as before.
        using var db = new TestDb();
        for (var id = 100; id < 170; id++)
        {
            db.Insert(new Photo { Id = id, UserId = 1, Status = 0, Title = "bulk" });
        }

        db.Prime(NotStatus2);
        db.Delete<Photo>(p => p.Id == 2);
        db.Expect(Outcome.Miss, NotStatus2);
    }

    [Fact]
    public void EqualityNarrowedList_KeepsItsOwnKeys()
    {
        // The keys already tell rows apart: no answer keys are added (each would cost a slot read on every hit).
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> ofUser = q => q.Where(p => p.UserId == 2).Select(p => p.Id).ToList();
        db.Prime(ofUser);
        db.Delete<Photo>(p => p.Id == 2);
        db.Expect(Outcome.Hit, ofUser);
        db.Delete<Photo>(p => p.Id == 5);
        db.Expect(Outcome.Miss, ofUser);
    }

    private static Func<IQueryable<Photo>, object?> Query(string projection) => projection switch
    {
        "key" => NotStatus2,
        "anonymous" => q => q.Where(p => p.Status != 2).OrderBy(p => p.Id).Select(p => new { p.Title, Key = p.Id }).ToList(),
        "member-init" => q => q.Where(p => p.Status != 2).OrderBy(p => p.Id).Select(p => new PhotoRow { Id = p.Id, Likes = p.Likes }).ToList(),
        _ => q => q.Where(p => p.Status != 2).OrderBy(p => p.Id).ToList(),
    };

    private sealed class PhotoRow
    {
        public int Id { get; set; }

        public int Likes { get; set; }

        public override string ToString() => Id + ":" + Likes;
    }
}

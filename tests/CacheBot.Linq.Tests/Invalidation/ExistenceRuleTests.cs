using CacheBot.Linq.Providers;
using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// <c>Any(...)</c> over one table with a predicate on the row's own columns is monotone: a true answer depends only on
/// matching rows leaving, a false one only on matching rows arriving. Shapes that are not monotone (a subquery, a
/// navigation, <c>Take</c> before the test) keep depending on both. Every Expect also checks the answer against the rows.
/// Seed: photo i has UserId (i % 4) + 1, Status i % 3.
/// </summary>
public sealed class ExistenceRuleTests
{
    private static readonly Func<IQueryable<Photo>, object?> AnyOfUser1Status2 = q => q.Any(p => p.UserId == 1 && p.Status == 2);

    [Fact]
    public void TrueAnswer_KeepsItsEntry_WhenAMatchingRowArrives()
    {
        using var db = new TestDb();
        db.Prime(AnyOfUser1Status2);
        db.Insert(new Photo { Id = 100, UserId = 1, Status = 2, Title = "another match" });
        Assert.Equal(true, db.Expect(Outcome.Hit, AnyOfUser1Status2));
        var mover = db.PhotoRows.First(p => p.UserId == 1 && p.Status == 0).Id;
        db.Update<Photo>(p => p.Id == mover, p => p.Status = 2);
        db.Expect(Outcome.Hit, AnyOfUser1Status2);
    }

    [Fact]
    public void TrueAnswer_IsKeptWhenAnotherMatchLeaves_AndDroppedWhenItsWitnessLeaves()
    {
        // The inner query asks for one matching row's key (over lists: the first match); the entry depends on that row only.
        using var db = new TestDb();
        for (var id = 200; id < 204; id++)
        {
            db.Insert(new Photo { Id = id, UserId = 1, Status = 2, Title = "match " + id });
        }

        db.Prime(AnyOfUser1Status2);
        var matches = db.PhotoRows.Where(p => p.UserId == 1 && p.Status == 2).Select(p => p.Id).ToList();
        Assert.True(matches.Count >= 4);
        var witness = matches[0];

        // Every other match leaves, one way or another: the answer stays true, and so does the entry.
        db.Update<Photo>(p => p.Id == matches[^1], p => p.Status = 0);
        Assert.Equal(true, db.Expect(Outcome.Hit, AnyOfUser1Status2));
        db.Update<Photo>(p => p.Id == matches[^2], p => p.UserId = 3);
        Assert.Equal(true, db.Expect(Outcome.Hit, AnyOfUser1Status2));
        foreach (var id in matches.Skip(1).SkipLast(2))
        {
            db.Delete<Photo>(p => p.Id == id);
            Assert.Equal(true, db.Expect(Outcome.Hit, AnyOfUser1Status2));
        }

        // The witness changing a column the test does not read changes nothing.
        db.Update<Photo>(p => p.Id == witness, p => p.Title = "renamed");
        Assert.Equal(true, db.Expect(Outcome.Hit, AnyOfUser1Status2));

        // The witness leaving: the last match is gone, the answer turns false, and the cached true must not survive.
        db.Delete<Photo>(p => p.Id == witness);
        Assert.Equal(false, db.Expect(Outcome.Miss, AnyOfUser1Status2));
        Assert.Equal(false, db.Expect(Outcome.Hit, AnyOfUser1Status2));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("user")]
    [InlineData("key")]
    public void TrueAnswer_IsDropped_WhenItsWitnessChangesAReadColumnOrItsKey(string change)
    {
        // Only the witness matches; it leaves by an update of a column the test reads, or keeps matching under a new key
        // (then a later delete under the new key must still reach the entry, so the key change itself drops it).
        using var db = new TestDb();
        var matches = db.PhotoRows.Where(p => p.UserId == 1 && p.Status == 2).Select(p => p.Id).ToList();
        foreach (var id in matches.Skip(1))
        {
            db.Delete<Photo>(p => p.Id == id);
        }

        db.Prime(AnyOfUser1Status2);
        Action<Photo> update = change switch
        {
            "status" => p => p.Status = 1,
            "user" => p => p.UserId = 2,
            _ => p => p.Id = 900,
        };
        db.Update<Photo>(p => p.Id == matches[0], update);
        Assert.Equal(change == "key", db.Expect(Outcome.Miss, AnyOfUser1Status2));
        if (change == "key")
        {
            db.Delete<Photo>(p => p.Id == 900);
            Assert.Equal(false, db.Expect(Outcome.Miss, AnyOfUser1Status2));
        }
    }

    [Fact]
    public void FalseAnswer_KeepsItsEntry_WhenRowsLeave_AndIsDropped_WhenOneArrives()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> none = q => q.Where(p => p.UserId == 2).Any(p => p.Title == "x" && p.Status > 5);
        db.Prime(none);

        // Arrives with the key (UserId 2, Title x) but fails Status > 5: invalidates (the key cannot tell), still false.
        db.Insert(new Photo { Id = 101, UserId = 2, Status = 0, Title = "x" });
        Assert.Equal(false, db.Expect(Outcome.Miss, none));
        db.Expect(Outcome.Hit, none);

        // The same row leaving cannot turn false into true: the entry stays (an ordinary query would be dropped here).
        db.Delete<Photo>(p => p.Id == 101);
        Assert.Equal(false, db.Expect(Outcome.Hit, none));

        db.Insert(new Photo { Id = 102, UserId = 2, Status = 7, Title = "x" });
        Assert.Equal(true, db.Expect(Outcome.Miss, none));
    }

    [Fact]
    public void AnswerThatASubqueryCanFlip_StillDependsOnArrivals()
    {
        // True while no photo has status 9: a photo arriving with status 9 turns it false, though no matching row left.
        using var db = new TestDb();
        var photos = db.Photos;
        bool Run() => db.Photos.Cache().Any(p => p.UserId == 1 && !photos.Any(o => o.Status == 9));
        Assert.True(Run());
        Assert.Equal(Outcome.Hit, db.Measure(() => Run()));
        db.Insert(new Photo { Id = 102, UserId = 3, Status = 9, Title = "flips it" });
        Assert.False(Run());
    }

    [Fact]
    public void AnyAfterTake_IsNotMonotone_AndStillDependsOnRemovalsAndArrivals()
    {
        // The first three photos by id: one arriving with a smaller id pushes a match out of the window.
        using var db = new TestDb();
        db.Delete<Photo>(p => p.Id == 1);
        Func<IQueryable<Photo>, object?> query = q => q.OrderBy(p => p.Id).Take(3).Any(p => p.Status == 2);
        Assert.Equal(true, db.Expect(Outcome.Miss, query));
        db.Expect(Outcome.Hit, query);
        db.Insert(new Photo { Id = 1, UserId = 1, Status = 0, Title = "pushes one out" });
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void NavigationPredicate_IsNotMonotone_AndStillDependsOnArrivals()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Any(p => p.User.Name != "nobody");
        db.Prime(query);
        db.Insert(new User { Id = 50, Name = "zed" });
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void UnknownRowsArriving_DropOnlyTheAnswersArrivalsCanChange()
    {
        // A bulk insert whose rows CacheBot cannot see (PostgreSQL binary COPY): a true answer stays, a false one goes.
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> none = q => q.Any(p => p.Status == 7);
        Func<IQueryable<Photo>, object?> list = q => q.Where(p => p.Status == 2).Select(p => p.Id).ToList();
        db.Prime(AnyOfUser1Status2);
        db.Prime(none);
        db.Prime(list);

        db.Rows<Photo>().Add(new Photo { Id = 103, UserId = 4, Status = 7, Title = "copied" });
        db.Rewire();
        ApplyUnknown(db, oldRow: null, newRow: RowValues.Unknown);

        Assert.Equal(true, db.Expect(Outcome.Hit, AnyOfUser1Status2));
        Assert.Equal(true, db.Expect(Outcome.Miss, none));
        db.Expect(Outcome.Miss, list);
    }

    [Fact]
    public void UnknownRowsLeaving_DropOnlyTheAnswersRemovalsCanChange_AndATableWriteDropsBoth()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> none = q => q.Any(p => p.Status == 7);
        db.Prime(AnyOfUser1Status2);
        db.Prime(none);

        db.Rows<Photo>().RemoveAll(p => p.UserId == 1 && p.Status == 2);
        db.Rewire();
        ApplyUnknown(db, oldRow: RowValues.Unknown, newRow: null);

        Assert.Equal(false, db.Expect(Outcome.Miss, AnyOfUser1Status2));
        Assert.Equal(false, db.Expect(Outcome.Hit, none));

        db.Cache.NotifyTableChanged<Photo>();
        db.Expect(Outcome.Miss, AnyOfUser1Status2);
        db.Expect(Outcome.Miss, none);
    }

    private static void ApplyUnknown(TestDb db, RowValues? oldRow, RowValues? newRow) =>
        db.Cache.Engine.Apply([WriteRecord.ForImages(db.Cache.RequireTable(typeof(Photo), null), oldRow, newRow)]);
}

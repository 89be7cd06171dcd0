using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// Rules across tables: navigation paths, entity comparisons, joins, SelectMany, subqueries and Cache(paths).
/// Seed users: 1 alice, 2 bob, 3 carol, 4 david; message i is sent by (i % 4) + 1; comment i is on message (i % 6) + 1.
/// </summary>
public sealed class RelationRuleTests
{
    [Fact]
    public void Navigation_RenameAnotherUser_KeepsEntry()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.User.Name == "david").ToList();
        db.Prime(query);
        db.Update<User>(u => u.Name == "bob", u => u.Name = "bobby");
        db.Expect(Outcome.Hit, query);
        db.Update<User>(u => u.Name == "alice", u => u.Age = 99);
        db.Expect(Outcome.Hit, query);
    }

    [Fact]
    public void Navigation_RenameUserToOrFromTheValue_Invalidates()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.User.Name == "david").ToList();
        db.Prime(query);
        db.Update<User>(u => u.Name == "carol", u => u.Name = "david");
        var both = (List<Photo>)db.Expect(Outcome.Miss, query)!;
        Assert.Equal(6, both.Count);
        db.Update<User>(u => u.Id == 4, u => u.Name = "dave");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Navigation_PhotosAreUnconstrained_ButPhotosOutsideTheAnswerMatterOnlyByTheirForeignKey()
    {
        // Photos form no key (the name is on Users): any photo may arrive; one outside the answer matters only by moving.
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.User.Name == "david").ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 1, p => p.UserId = 4);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 2, p => p.UserId = 3);
        db.Expect(Outcome.Miss, query);
        db.Update<Tag>(t => t.Id == 1, t => t.Name = "unrelated table");
        db.Expect(Outcome.Hit, query);
    }

    [Fact]
    public void Navigation_KeyThroughToOne_NarrowsTheForeignKey()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.User.Id == 1).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<User>(u => u.Id == 2, u => u.Name = "x");
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 2, p => p.UserId = 1);
        db.Expect(Outcome.Miss, query);
        db.Update<User>(u => u.Id == 1, u => u.Name = "y");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Navigation_TwoLevels_NarrowsEveryTableOnThePath()
    {
        using var db = new TestDb();
        var sender = 1;
        Func<IQueryable<Comment>, object?> query = q => q.Where(c => c.Message.Sender.Id == sender).ToList();
        db.Prime(query);

        db.Update<Message>(m => m.SenderId == 2, m => m.Text = "other sender");
        db.Expect(Outcome.Hit, query);
        db.Update<User>(u => u.Id == 3, u => u.Name = "other user");
        db.Expect(Outcome.Hit, query);

        db.Update<Message>(m => m.SenderId == 2, m => m.SenderId = 1);
        var moved = (List<Comment>)db.Expect(Outcome.Miss, query)!;
        Assert.True(moved.Count >= 2);
        db.Update<Message>(m => m.SenderId == 1, m => m.SenderId = 3);
        db.Expect(Outcome.Miss, query);
        db.Update<Comment>(c => c.Id == 1, c => c.MessageId = 4);
        db.Expect(Outcome.Miss, query);
        db.Update<User>(u => u.Id == 1, u => u.Name = "sender renamed");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void EntityComparison_NarrowsTheForeignKey()
    {
        using var db = new TestDb();

        // LINQ-to-Objects compares references, and every write re-wires the rows: capture the live user each run.
        object? Run(IQueryable<Photo> q)
        {
            var user = db.UserRows.Single(u => u.Id == 1);
            return q.Where(p => p.User == user).ToList();
        }

        db.Prime<Photo>(Run);
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes++);
        db.Expect<Photo>(Outcome.Hit, Run);
        db.Update<User>(u => u.Id == 2, u => u.Age++);
        db.Expect<Photo>(Outcome.Hit, Run);
        db.Update<Photo>(p => p.UserId == 2, p => p.UserId = 1);
        var result = (List<Photo>)db.Expect<Photo>(Outcome.Miss, Run)!;
        Assert.Equal(4, result.Count);
        db.Update<Photo>(p => p.UserId == 1, p => p.UserId = 3);
        db.Expect<Photo>(Outcome.Miss, Run);
    }

    [Fact]
    public void EntityComparison_WithNull_NarrowsOnNullForeignKey()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Album == null).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.AlbumId == 1, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.AlbumId == 1, p => p.AlbumId = null);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Join_TouchesEveryTable()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Join(db.RawUsers, p => p.UserId, u => u.Id, (p, u) => new { p.Title, u.Name }).ToList();
        db.Prime(query);
        db.Update<Tag>(t => t.Id == 1, t => t.Name = "other table");
        db.Expect(Outcome.Hit, query);
        db.Update<User>(u => u.Id == 2, u => u.Name = "bobby");
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.Id == 1, p => p.Title = "joined");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Join_WithEqualityOnEachSide_NarrowsEachSide()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Status == 1)
            .Join(db.RawUsers.Where(u => u.IsActive), p => p.UserId, u => u.Id, (p, u) => new { p.Id, u.Name }).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.Status == 0, p => p.Likes++);
        db.Update<User>(u => !u.IsActive, u => u.Age++);
        db.Expect(Outcome.Hit, query);
        db.Update<User>(u => !u.IsActive, u => u.IsActive = true);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.Status == 0, p => p.Status = 1);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void GroupJoin_TouchesEveryTable()
    {
        using var db = new TestDb();
        Func<IQueryable<User>, object?> query = q => q.GroupJoin(db.RawPhotos, u => u.Id, p => p.UserId, (u, ps) => new { u.Name, Count = ps.Count() }).ToList();
        db.Prime(query);
        db.Update<Tag>(t => t.Id == 2, t => t.Name = "other table");
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 1, p => p.UserId = 2);
        db.Expect(Outcome.Miss, query);
        db.Update<User>(u => u.Id == 3, u => u.Name = "carla");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void SelectMany_OverCollectionNavigation_TouchesEveryTable()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1).SelectMany(p => p.Tags, (p, t) => new { p.Id, t.Name }).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Tag>(t => t.Id == 5, t => t.Name = "renamed tag");
        db.Expect(Outcome.Miss, query);
        db.Insert(new Tag { Id = 100, PhotoId = 4, Name = "new tag" });
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void SelectMany_CorrelatedOverAnotherTable_TouchesEveryTable()
    {
        using var db = new TestDb();
        Func<IQueryable<User>, object?> query = q => q.Where(u => u.Id == 2)
            .SelectMany(u => db.RawMessages.Where(m => m.SenderId == u.Id), (u, m) => new { u.Name, m.Text }).ToList();
        db.Prime(query);
        db.Update<User>(u => u.Id == 3, u => u.Name = "x");
        db.Expect(Outcome.Hit, query);
        db.Update<Message>(m => m.SenderId == 3, m => m.SenderId = 2);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Subquery_AnyOverCollectionNavigation_NarrowsTheInnerTable()
    {
        using var db = new TestDb();
        var name = "cat";
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Tags.Any(t => t.Name == name)).ToList();
        db.Prime(query);
        db.Update<Tag>(t => t.Name == "sea", t => t.PhotoId = 1);
        db.Expect(Outcome.Hit, query);
        db.Update<Tag>(t => t.Name == "sea", t => t.Name = "cat");
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.Id == 1, p => p.Likes++);
        db.Expect(Outcome.Miss, query);
        db.Delete<Tag>(t => t.Name == "cat");
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Subquery_AnyOverAnotherTable_TouchesEveryTable()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => db.RawUsers.Any(u => u.Id == p.UserId && u.IsActive)).ToList();
        db.Prime(query);
        db.Update<Tag>(t => t.Id == 1, t => t.Name = "other");
        db.Expect(Outcome.Hit, query);
        db.Update<User>(u => u.Id == 2, u => u.IsActive = !u.IsActive);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.Id == 1, p => p.UserId = 3);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Subquery_ContainsOverAnotherTable_TouchesEveryTable()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => db.RawMessages.Select(m => m.SenderId).Contains(p.UserId)).ToList();
        db.Prime(query);
        db.Update<Message>(m => m.Id == 1, m => m.SenderId = 1);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Concat_EachSideNarrowedByItsOwnPredicate()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1).Concat(db.RawPhotos.Where(p => p.UserId == 2)).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 3, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 3, p => p.UserId = 2);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void CachePaths_RestrictedToUser_CoarserButCorrect()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 && p.Status == 2).ToList();
        Func<IQueryable<Photo>, IQueryable<Photo>> byUser = q => q.Cache(p => p.User);
        db.Prime(query, cacheCall: byUser);
        db.Prime(query);

        // A user 1 photo with another status: the full query keeps its entry, the User-only one is invalidated.
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 0, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Expect(Outcome.Miss, query, cacheCall: byUser);

        // A user 2 photo: neither depends on it.
        db.Update<Photo>(p => p.UserId == 2 && p.Status == 2, p => p.Likes++);
        db.Expect(Outcome.Hit, query, cacheCall: byUser);

        // Moving into the result invalidates both.
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 1, p => p.Status = 2);
        db.Expect(Outcome.Miss, query);
        db.Expect(Outcome.Miss, query, cacheCall: byUser);
    }

    [Fact]
    public void CachePaths_StringPathThroughNavigation_CoarserButCorrect()
    {
        using var db = new TestDb();
        Func<IQueryable<Comment>, object?> query = q => q.Where(c => c.Message.Sender.Name == "alice" && c.Text == "c3").ToList();
        Func<IQueryable<Comment>, IQueryable<Comment>> bySender = q => q.Cache("Message.Sender");
        db.Prime(query, cacheCall: bySender);
        db.Update<User>(u => u.Name == "bob", u => u.Age++);
        db.Expect(Outcome.Hit, query, cacheCall: bySender);
        db.Update<Comment>(c => c.Id == 5, c => c.Text = "c5b");
        db.Expect(Outcome.Miss, query, cacheCall: bySender);
        db.Update<User>(u => u.Name == "bob", u => u.Name = "alice");
        db.Expect(Outcome.Miss, query, cacheCall: bySender);
    }
}

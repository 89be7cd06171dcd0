using CacheBot.Linq.Tests.TestModel;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// One test per predicate rule: a write that must invalidate does, and a write that need not, does not.
/// Seed: photo i has UserId (i % 4) + 1, Status i % 3, AlbumId null when i % 4 == 0 else (i % 3) + 1, Kind i % 3,
/// IsPublic when i is even, Likes 10 i. Every Expect also checks the answer against the query run on the live rows.
/// </summary>
public sealed class PredicateRuleTests
{
    [Fact]
    public void Conjunction_WriteMatchingOnlyOneColumn_KeepsEntry()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 && p.Status == 2).ToList();
        db.Prime(query);

        db.Update<Photo>(p => p.UserId == 1 && p.Status == 1, p => p.Title = "same user, other status");
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 2 && p.Status == 2, p => p.Title = "same status, other user");
        db.Expect(Outcome.Hit, query);
    }

    [Fact]
    public void Conjunction_RowMovesIntoResult_Invalidates()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 && p.Status == 2).ToList();
        db.Prime(query);
        var mover = db.PhotoRows.First(p => p.UserId == 1 && p.Status == 1).Id;
        db.Update<Photo>(p => p.Id == mover, p => p.Status = 2);
        var result = (List<Photo>)db.Expect(Outcome.Miss, query)!;
        Assert.Contains(result, p => p.Id == mover);
    }

    [Fact]
    public void Conjunction_RowMovesOutOfResult_Invalidates()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 && p.Status == 2).ToList();
        db.Prime(query);
        var leaver = db.PhotoRows.First(p => p.UserId == 1 && p.Status == 2).Id;
        db.Update<Photo>(p => p.Id == leaver, p => p.UserId = 3);
        var result = (List<Photo>)db.Expect(Outcome.Miss, query)!;
        Assert.DoesNotContain(result, p => p.Id == leaver);
    }

    [Fact]
    public void Conjunction_InsertAndDelete_InvalidateOnlyWhenMatching()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 && p.Status == 2).ToList();
        db.Prime(query);
        db.Insert(new Photo { Id = 100, UserId = 1, Status = 0, Title = "new" });
        db.Expect(Outcome.Hit, query);
        db.Insert(new Photo { Id = 101, UserId = 1, Status = 2, Title = "new match" });
        db.Expect(Outcome.Miss, query);
        db.Delete<Photo>(p => p.Id == 100);
        db.Expect(Outcome.Hit, query);
        db.Delete<Photo>(p => p.Id == 101);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Equality_OperandsEitherWayRound_SameDependency()
    {
        using var db = new TestDb();
        var uid = 2;
        Func<IQueryable<Photo>, object?> reversed = q => q.Where(p => 2 == p.UserId).ToList();
        Func<IQueryable<Photo>, object?> captured = q => q.Where(p => uid == p.UserId && 1 == p.Status).ToList();
        db.Prime(reversed);
        db.Prime(captured);
        db.Update<Photo>(p => p.UserId == 3, p => p.Likes++);
        db.Expect(Outcome.Hit, reversed);
        db.Expect(Outcome.Hit, captured);
        db.Update<Photo>(p => p.UserId == 2 && p.Status == 0, p => p.Likes++);
        db.Expect(Outcome.Miss, reversed);
        db.Expect(Outcome.Hit, captured);
        db.Update<Photo>(p => p.UserId == 2 && p.Status == 1, p => p.Likes++);
        db.Expect(Outcome.Miss, captured);
    }

    [Fact]
    public void Equality_EqualsMethod_NarrowsLikeOperator()
    {
        using var db = new TestDb();
        var title = "t5";
        Func<IQueryable<Photo>, object?> instance = q => q.Where(p => p.UserId.Equals(2)).ToList();
#pragma warning disable CA1309 // The Equals(string) forms are what this rule is about.
        Func<IQueryable<Photo>, object?> stringEquals = q => q.Where(p => p.Title.Equals(title)).ToList();
        Func<IQueryable<Photo>, object?> staticEquals = q => q.Where(p => string.Equals(p.Title, "t6")).ToList();
#pragma warning restore CA1309
        db.Prime(instance);
        db.Prime(stringEquals);
        db.Prime(staticEquals);

        db.Update<Photo>(p => p.Id == 3, p => p.Likes++); // user 4, title t3
        db.Expect(Outcome.Hit, instance);
        db.Expect(Outcome.Hit, stringEquals);
        db.Expect(Outcome.Hit, staticEquals);

        db.Update<Photo>(p => p.Id == 3, p => p.Title = "t5");
        db.Expect(Outcome.Hit, instance);
        db.Expect(Outcome.Miss, stringEquals);
        db.Expect(Outcome.Hit, staticEquals);

        db.Update<Photo>(p => p.Id == 6, p => p.UserId = 2);
        db.Expect(Outcome.Miss, instance);
        db.Expect(Outcome.Miss, staticEquals);
    }

    [Fact]
    public void Equality_StringComparisonOverload_DoesNotNarrowButStaysCorrect()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Title.Equals("T5", StringComparison.OrdinalIgnoreCase)).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.Id == 3, p => p.Title = "t5");
        var result = (List<Photo>)db.Expect(Outcome.Miss, query)!;
        Assert.Equal(2, result.Count);
    }

    [Fact]
    public void Nullable_EqualsNull_NarrowsOnNull()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.AlbumId == null).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.Id == 1, p => p.Title = "has an album");
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.Id == 1, p => p.AlbumId = null);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.Id == 4, p => p.AlbumId = 1);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Nullable_EqualsValue_NarrowsOnValue()
    {
        using var db = new TestDb();
        int? album = 3;
        Func<IQueryable<Photo>, object?> constant = q => q.Where(p => p.AlbumId == 3).ToList();
        Func<IQueryable<Photo>, object?> captured = q => q.Where(p => p.AlbumId == album).ToList();
        db.Prime(constant);
        db.Prime(captured);
        db.Update<Photo>(p => p.AlbumId == 2, p => p.Title = "album 2");
        db.Update<Photo>(p => p.AlbumId == null, p => p.Title = "no album");
        db.Expect(Outcome.Hit, constant);
        db.Expect(Outcome.Hit, captured);
        db.Update<Photo>(p => p.AlbumId == null, p => p.AlbumId = 3);
        db.Expect(Outcome.Miss, constant);
        db.Expect(Outcome.Miss, captured);
    }

    [Fact]
    public void Enum_Column_NarrowsOnValue()
    {
        using var db = new TestDb();
        var kind = PhotoKind.Portrait;
        Func<IQueryable<Photo>, object?> constant = q => q.Where(p => p.Kind == PhotoKind.Square).ToList();
        Func<IQueryable<Photo>, object?> captured = q => q.Where(p => p.Kind == kind).ToList();
        db.Prime(constant);
        db.Prime(captured);
        db.Update<Photo>(p => p.Kind == PhotoKind.Landscape, p => p.Likes++);
        db.Expect(Outcome.Hit, constant);
        db.Expect(Outcome.Hit, captured);
        db.Update<Photo>(p => p.Kind == PhotoKind.Landscape, p => p.Kind = PhotoKind.Square);
        db.Expect(Outcome.Miss, constant);
        db.Expect(Outcome.Hit, captured);
        db.Update<Photo>(p => p.Kind == PhotoKind.Portrait, p => p.Kind = PhotoKind.Landscape);
        db.Expect(Outcome.Miss, captured);
    }

    [Fact]
    public void Bool_ColumnAndNegation_NarrowOnTrueAndFalse()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> isPublic = q => q.Where(p => p.IsPublic).ToList();
        Func<IQueryable<Photo>, object?> isPrivate = q => q.Where(p => !p.IsPublic).ToList();
        Func<IQueryable<Photo>, object?> explicitFalse = q => q.Where(p => p.IsPublic == false && p.UserId == 3).ToList();
        db.Prime(isPublic);
        db.Prime(isPrivate);
        db.Prime(explicitFalse);

        db.Update<Photo>(p => !p.IsPublic && p.UserId == 4, p => p.Likes++);
        db.Expect(Outcome.Hit, isPublic);
        db.Expect(Outcome.Miss, isPrivate);
        db.Expect(Outcome.Hit, explicitFalse);

        db.Update<Photo>(p => p.IsPublic, p => p.Likes++);
        db.Expect(Outcome.Miss, isPublic);
        db.Expect(Outcome.Hit, isPrivate);

        db.Update<Photo>(p => p.IsPublic && p.UserId == 3, p => p.IsPublic = false);
        db.Expect(Outcome.Miss, isPublic);
        db.Expect(Outcome.Miss, isPrivate);
        db.Expect(Outcome.Miss, explicitFalse);
    }

    [Fact]
    public void In_Array_WriteOutsideKeepsInsideInvalidates()
    {
        using var db = new TestDb();
        int[] ids = [1, 2];
        AssertInRule(db, q => q.Where(p => ids.Contains(p.UserId)).ToList());
    }

    [Fact]
    public void In_List_WriteOutsideKeepsInsideInvalidates()
    {
        using var db = new TestDb();
        List<int> ids = [1, 2];
        AssertInRule(db, q => q.Where(p => ids.Contains(p.UserId)).ToList());
    }

    [Fact]
    public void In_HashSet_WriteOutsideKeepsInsideInvalidates()
    {
        using var db = new TestDb();
        HashSet<int> ids = [1, 2];
        AssertInRule(db, q => q.Where(p => ids.Contains(p.UserId)).ToList());
    }

    [Fact]
    public void In_Enumerable_WriteOutsideKeepsInsideInvalidates()
    {
        using var db = new TestDb();
        IEnumerable<int> ids = new[] { 1, 2 };
        AssertInRule(db, q => q.Where(p => Enumerable.Contains(ids, p.UserId)).ToList());
    }

    [Fact]
    public void In_CombinedWithEquality_CrossProductNarrows()
    {
        using var db = new TestDb();
        int[] ids = [1, 2];
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => ids.Contains(p.UserId) && p.Status == 2).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 0, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 2 && p.Status == 2, p => p.Likes++);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void In_MoreValuesThanTheBound_ColumnDropsOutButStaysCorrect()
    {
        using var db = new TestDb(new QueryCacheOptions { MaxValueTuples = 2 });
        int[] ids = [1, 2, 3];
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => ids.Contains(p.UserId)).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 4, p => p.UserId = 3);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Exclusion_NotEqual_NarrowsNothing_ButRowsOutsideTheAnswerMatterOnlyByTheFilteredColumn()
    {
        // The exclusion forms no key: any row may arrive. A row outside the answer (a user 1 photo) changing another
        // column cannot (docs/invalidation.md, "Answers narrow their own dependencies"); one moving into the filter can.
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId != 1).ToList();
        db.Prime(query);
        db.Update<User>(u => u.Id == 2, u => u.Age++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 1, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 1, p => p.UserId = 3);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.UserId == 2, p => p.UserId = 1);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Exclusion_NotContains_NarrowsNothing_ButRowsOutsideTheAnswerMatterOnlyByTheFilteredColumn()
    {
        using var db = new TestDb();
        List<int> ids = [1, 2];
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => !ids.Contains(p.UserId)).ToList();
        db.Prime(query);
        db.Update<Tag>(t => t.Id == 1, t => t.Name = "other table");
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 1, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 3, p => p.Likes++);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.UserId == 1, p => p.UserId = 3);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Exclusion_NotContainsOverArray_CachedAndCorrect()
    {
        using var db = new TestDb();
        int[] ids = [1, 2];
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => !ids.Contains(p.UserId)).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 1, p => p.UserId = 3);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Exclusion_NextToEquality_EqualityStillNarrows()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 && p.Status != 2).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Status = 1);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 2, p => p.Status = 0);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Range_RowsOutsideTheAnswerMatterOnlyByArrivingInTheRange()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.Likes > 50).ToList();
        db.Prime(query);
        db.Update<User>(u => u.Id == 1, u => u.Name = "other table");
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.Likes == 10, p => p.Likes = 60);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.Likes == 20, p => p.Title = "still below");
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.Likes == 20, p => p.Likes = 50);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.Likes == 50, p => p.Likes = 51);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Range_NextToEquality_EqualityStillNarrows()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 && p.Likes >= 50 && p.Likes < 100).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes = 70);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 1 && p.Likes == 120, p => p.Likes = 70);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Or_TwoDependencies_EitherSideInvalidates()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 || p.Status == 2).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 3 && p.Status == 0, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 0, p => p.Likes++);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.UserId == 3 && p.Status == 2, p => p.Likes++);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.UserId == 4 && p.Status == 0, p => p.Status = 2);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Or_WithConjunctions_EachBranchConjunctive()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => (p.UserId == 1 && p.Status == 2) || (p.UserId == 2 && p.Status == 1)).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 1, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 2 && p.Status == 1, p => p.Likes++);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void Or_WithAnUnanalysableBranch_FallsBackToTheTable()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1 || p.Title.StartsWith("t1", StringComparison.Ordinal)).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.Id == 3, p => p.Title = "t1x");
        var result = (List<Photo>)db.Expect(Outcome.Miss, query)!;
        Assert.Contains(result, p => p.Id == 3);
    }

    [Fact]
    public void TakeBeforeWhere_WriteToNonMatchingRowInWindow_Invalidates()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.OrderBy(p => p.Id).Take(6).Where(p => p.Status == 1).ToList();
        db.Prime(query);

        // Photo 3 (Status 0) is inside the window and does not match; deleting it pulls photo 7 (Status 1) into the window.
        db.Delete<Photo>(p => p.Id == 3);
        var result = (List<Photo>)db.Expect(Outcome.Miss, query)!;
        Assert.Contains(result, p => p.Id == 7);
    }

    [Fact]
    public void WhereBeforeTake_WriteToOtherValue_KeepsEntry()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1).OrderBy(p => p.Likes).Take(2).ToList();
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes = 0);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 1 && p.Likes == 120, p => p.Likes = 0);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void SkipBeforeWhere_DoesNotNarrow()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.OrderBy(p => p.Id).Skip(2).Where(p => p.UserId == 1).ToList();
        db.Prime(query);
        db.Delete<Photo>(p => p.Id == 1);
        db.Expect(Outcome.Miss, query);
    }

    [Fact]
    public void All_PredicateDoesNotNarrow()
    {
        using var db = new TestDb();
        Func<IQueryable<Photo>, object?> query = q => q.Where(p => p.UserId == 1).All(p => p.Status == 2);
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 1 && p.Status == 0, p => p.Status = 2);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Status = 1);
        db.Expect(Outcome.Hit, query);
    }

    private static void AssertInRule(TestDb db, Func<IQueryable<Photo>, object?> query)
    {
        db.Prime(query);
        db.Update<Photo>(p => p.UserId == 3, p => p.Likes++);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 4, p => p.UserId = 3);
        db.Expect(Outcome.Hit, query);
        db.Update<Photo>(p => p.UserId == 2, p => p.Likes++);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.UserId == 3, p => p.UserId = 1);
        db.Expect(Outcome.Miss, query);
        db.Update<Photo>(p => p.UserId == 1, p => p.UserId = 4);
        db.Expect(Outcome.Miss, query);
    }
}

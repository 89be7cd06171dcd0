using System.Diagnostics;
using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Writes;

public sealed class SqliteBulkCopyTests : BulkCopyTests
{
    protected override bool IsPostgres => false;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Sqlite("bulkcopy");
}

public sealed class PostgresBulkCopyTests : BulkCopyTests
{
    protected override bool IsPostgres => true;

    protected override IsolatedDatabase CreateDatabase() => IsolatedDatabase.Postgres("cbbulk");

    [Fact]
    public void ProviderSpecificCopy_IntoATableWithATrigger_InvalidatesWhatTheTriggerWrites()
    {
        using var db = Open();
        PrepareNotes(db);
        db.Execute("""
            CREATE FUNCTION cachebot_note_photo() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO "BNote" ("Id", "Text") VALUES (NEW."Id" + 1000, 'from trigger');
                RETURN NEW;
            END $$
            """);
        db.Execute("""CREATE TRIGGER cachebot_note AFTER INSERT ON "EPhoto" FOR EACH ROW EXECUTE FUNCTION cachebot_note_photo()""");
        WarmNotes(db);

        db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, [new EPhoto { Id = 40, UserId = 0, Status = 2, Title = "c40" }]);

        Assert.Contains(1040, CachedNoteIds(db));
        Assert.Equal(TrueNoteIds(db), CachedNoteIds(db));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ProviderSpecificCopy_OutsideATransaction_WritesTheRowsItCopied_NotTheWholeTable(bool async)
    {
        await using var db = Open();
        Warm(db, 2);
        Warm(db, 5);
        var options = new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific, MaxBatchSize = 10 };
        Warm(db, 3);
        Warm(db, 4);

        // Three batches, each committed on its own: rows of status 2, then 3, then 4.
        var rows = Enumerable.Range(100, 25).Select(id => new EPhoto { Id = id, UserId = 0, Status = 2 + (id - 100) / 10, Title = "c" + id }).ToList();

        if (async)
        {
            await db.BulkCopyAsync(options, rows, Token);
        }
        else
        {
            db.BulkCopy(options, rows);
        }

        // The rows are read back: a query no copied row matches keeps its entry; one they all match sees every batch.
        var hits = Cache.Statistics.Hits;
        Assert.Equal(TrueIds(db, 5), CachedIds(db, 5));
        Assert.True(Cache.Statistics.Hits > hits, "no copied row has status 5: that answer must stay cached");
        Assert.Equal(Enumerable.Range(100, 25), CachedIds(db, 2).Concat(CachedIds(db, 3)).Concat(CachedIds(db, 4)).Where(id => id >= 100).Order());
        AssertNotStale(2, 3, 4, 5);
    }

    [Fact]
    public void ProviderSpecificCopy_OfMoreRowsThanAreReadBack_WritesTheWholeTable()
    {
        using var db = Open();
        Warm(db, 5);

        db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific },
            Enumerable.Range(1000, 1100).Select(id => new EPhoto { Id = id, UserId = 0, Status = 2, Title = "c" + id }));

        var hits = Cache.Statistics.Hits;
        Assert.Equal(TrueIds(db, 5), CachedIds(db, 5));
        Assert.Equal(hits, Cache.Statistics.Hits);
        Assert.Equal(1100, CachedIds(db, 2).Count(id => id >= 1000));
    }

    [Fact]
    public void ProviderSpecificCopy_AfterTheSessionSetItsSearchPath_WritesTheWholeDatabase()
    {
        using var db = Open();
        PrepareNotes(db);

        // A copy into EPhoto alone would leave the notes cached (the catalog knows EPhoto, learnt at this insert).
        db.Insert(new EPhoto { Id = 42, UserId = 0, Status = 2, Title = "c42" });
        WarmNotes(db);
        db.Execute("SET search_path TO " + db.Execute<string>("SELECT current_schema()"));
        using (var before = Open())
        {
            var unchanged = Cache.Statistics.Hits;
            Assert.Equal(TrueNoteIds(before), CachedNoteIds(before));
            Assert.True(Cache.Statistics.Hits > unchanged, "setting the search path writes nothing");
        }

        db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, [new EPhoto { Id = 41, UserId = 0, Status = 2, Title = "c41" }]);

        using var reader = Open();
        var hits = Cache.Statistics.Hits;
        Assert.Equal(TrueNoteIds(reader), CachedNoteIds(reader));
        Assert.Equal(hits, Cache.Statistics.Hits);
        Assert.Contains(41, CachedIds(reader, 2));
    }
}

/// <summary>
/// Bulk copy of every type writes what it copied and nothing more: PostgreSQL's binary COPY (which sends no command) is
/// narrowed to its table from linq2db's trace, without changing what the user's own trace handler receives.
/// </summary>
public abstract class BulkCopyTests : RawSqlTestBase
{
    public static TheoryData<BulkCopyType> CopyTypes => [BulkCopyType.ProviderSpecific, BulkCopyType.MultipleRows, BulkCopyType.RowByRow, BulkCopyType.Default];

    [Theory]
    [MemberData(nameof(CopyTypes))]
    public void Copy_InvalidatesTheCopiedTable_AndLeavesOtherTablesCached(BulkCopyType type)
    {
        using var db = Open();
        PrepareNotes(db);
        Warm(db, 2);
        WarmNotes(db);

        db.BulkCopy(new BulkCopyOptions { BulkCopyType = type }, [new EPhoto { Id = 30, UserId = 0, Status = 2, Title = "c30" }]);

        Assert.Contains(30, CachedIds(db, 2));
        var hits = Cache.Statistics.Hits;
        Assert.Equal(TrueNoteIds(db), CachedNoteIds(db));
        Assert.True(Cache.Statistics.Hits > hits, $"{type}: a copy into EPhoto must not invalidate a query of BNote");
        AssertNotStale(1, 2);
    }

    [Fact]
    public async Task ProviderSpecificCopyAsync_InvalidatesTheCopiedTable_AndLeavesOtherTablesCached()
    {
        await using var db = Open();
        PrepareNotes(db);
        Warm(db, 2);
        WarmNotes(db);

        await db.BulkCopyAsync(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific },
            [new EPhoto { Id = 31, UserId = 0, Status = 2, Title = "c31" }], Token);

        Assert.Contains(31, CachedIds(db, 2));
        var hits = Cache.Statistics.Hits;
        Assert.Equal(TrueNoteIds(db), CachedNoteIds(db));
        Assert.True(Cache.Statistics.Hits > hits, "a copy into EPhoto must not invalidate a query of BNote");
    }

    [Fact]
    public void ProviderSpecificCopy_KeepsAnExistenceAnswerOnlyARemovalCanChange()
    {
        using var db = Open();
        bool AnyOf(int status) => db.GetTable<EPhoto>().AsCacheBot().Cache().Any(p => p.Status == status);
        Assert.True(AnyOf(2));
        Assert.False(AnyOf(9));
        var hits = Cache.Statistics.Hits;
        Assert.True(AnyOf(2));
        Assert.False(AnyOf(9));
        Assert.Equal(hits + 2, Cache.Statistics.Hits);

        db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, [new EPhoto { Id = 35, UserId = 0, Status = 9, Title = "c35" }]);

        hits = Cache.Statistics.Hits;
        Assert.True(AnyOf(2));
        Assert.Equal(hits + 1, Cache.Statistics.Hits);
        Assert.True(AnyOf(9));

        db.Execute("DELETE FROM \"EPhoto\"");
        Assert.False(AnyOf(2));
        Assert.False(AnyOf(9));
    }

    [Fact]
    public void ProviderSpecificCopy_InATransaction_AppliesAtCommit_AndNothingAfterARollback()
    {
        using var db = Open();
        Warm(db, 2);

        using (var transaction = db.BeginTransaction())
        {
            db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, [new EPhoto { Id = 32, UserId = 0, Status = 2, Title = "c32" }]);
            transaction.Rollback();
        }

        using var reader = Open();
        Assert.Equal(TrueIds(reader, 2), CachedIds(reader, 2));

        using (var transaction = db.BeginTransaction())
        {
            db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, [new EPhoto { Id = 33, UserId = 0, Status = 2, Title = "c33" }]);
            transaction.Commit();
        }

        Assert.Contains(33, CachedIds(reader, 2));
        AssertNotStale(1, 2);
    }

    [Fact]
    public void ProviderSpecificCopy_AbortedAfterTheFirstBatch_TheCommittedRowsAreSeen()
    {
        using var copier = Open();
        using var reader = Open();
        Warm(reader, 2);
        var options = new BulkCopyOptions
        {
            BulkCopyType = BulkCopyType.ProviderSpecific,
            MaxBatchSize = 10,
            NotifyAfter = 10,
            RowsCopiedCallback = copied => copied.Abort = copied.RowsCopied >= 10,
        };

        copier.BulkCopy(options, Enumerable.Range(100, 15).Select(id => new EPhoto { Id = id, UserId = 0, Status = 2, Title = "a" + id }));

        // The aborted copy never reported its end: until the copying connection is used again, reads bypass the cache.
        Assert.Equal(TrueIds(reader, 2), CachedIds(reader, 2));
        copier.Execute("SELECT 1");
        Assert.Equal(TrueIds(reader, 2), CachedIds(reader, 2));
        AssertNotStale(1, 2);
    }

    [Theory]
    [InlineData(TraceLevel.Off)]
    [InlineData(TraceLevel.Error)]
    [InlineData(TraceLevel.Info)]
    public void ProviderSpecificCopy_UserTraceHandler_GetsWhatItsOwnLevelAllows_AndIsRestored(TraceLevel level)
    {
        var events = new List<TraceInfo>();
        using var db = new DataConnection(Options.UseTracing(level, events.Add));
        var userSwitch = db.TraceSwitchConnection;
        var userHandler = db.OnTraceConnection;

        db.BulkCopy(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, [new EPhoto { Id = 34, UserId = 0, Status = 2, Title = "c34" }]);
        db.Execute("SELECT 1");

        Assert.Same(userSwitch, db.TraceSwitchConnection);
        Assert.Equal(userHandler, db.OnTraceConnection);
        Assert.All(events, e => Assert.True(e.TraceLevel <= level && e.TraceLevel != TraceLevel.Off, $"{e.TraceLevel} event reached a {level} handler"));
        if (level >= TraceLevel.Info)
        {
            Assert.Contains(events, e => e.TraceInfoStep == TraceInfoStep.AfterExecute);
        }
        else
        {
            Assert.Empty(events);
        }
    }

    [Theory]
    [InlineData("INSERT BULK \"EPhoto\"(Id, Title)\n", null, "EPhoto")]
    [InlineData("INSERT ASYNC BULK \"tenant\".\"EPhoto\"(Id)\n", "tenant", "EPhoto")]
    [InlineData("INSERT BULK \"odd(name\"(Id)\n", null, "odd(name")]
    [InlineData("INSERT BULK photos(Id)\n", null, "photos")]
    public void TraceText_NamesTheTable(string text, string? schema, string name)
    {
        var table = CacheBot.Linq2Db.Transactions.ProviderSpecificWrite.TableOf(text, CacheBot.Linq.Providers.Sql.SqlDialect.PostgreSql);
        Assert.NotNull(table);
        Assert.Equal(schema, table.Value.Schema);
        Assert.Equal(name, table.Value.Name, ignoreCase: true);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("SELECT 1")]
    [InlineData("INSERT BULK \"EPhoto\"")]
    [InlineData("INSERT BULK (Id)")]
    public void TraceText_NotACopy_NamesNothing(string? text) =>
        Assert.Null(CacheBot.Linq2Db.Transactions.ProviderSpecificWrite.TableOf(text, CacheBot.Linq.Providers.Sql.SqlDialect.PostgreSql));

    protected static void PrepareNotes(DataConnection db)
    {
        db.CreateTable<BNote>();
        db.Insert(new BNote { Id = 1, Text = "one" });
    }

    protected void WarmNotes(DataConnection db)
    {
        var first = CachedNoteIds(db);
        var hits = Cache.Statistics.Hits;
        Assert.Equal(first, CachedNoteIds(db));
        Assert.True(Cache.Statistics.Hits > hits, "the second read must be a hit, or the test proves nothing");
    }

    protected static List<int> CachedNoteIds(DataConnection db) =>
        [.. db.GetTable<BNote>().AsCacheBot().Cache().Where(n => n.Id > 0).Select(n => n.Id).ToList().Order()];

    protected static List<int> TrueNoteIds(DataConnection db) => [.. db.GetTable<BNote>().Select(n => n.Id).ToList().Order()];
}

[Table("BNote")]
public sealed class BNote
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column, NotNull]
    public string Text { get; set; } = "";
}

using CacheBot.EntityFrameworkCore.Model;
using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using Microsoft.EntityFrameworkCore;

namespace CacheBot.EntityFrameworkCore.Tests.Schema;

/// <summary>
/// What the database knows and the EF model does not say (a schema made by hand, <see cref="CatalogContext"/>): triggers,
/// a view mapped as a table, collations and fixed-length types. Each write must invalidate what the database changed.
/// </summary>
public sealed class CatalogFactsTests
{
    private sealed class Fixture : IDisposable
    {
        public Fixture(string kind)
        {
            Database = EfDatabase.Create(kind, "efcatalog");
            Cache = new QueryCache(new QueryCacheOptions());
            using var db = Plain();
            foreach (var statement in CatalogContext.Ddl(Database.IsPostgres))
            {
                db.Database.ExecuteSqlRaw(statement);
            }

            db.Add(new CItem { Name = "bob", Code = "b1", Qty = 1 });
            db.Add(new CItem { Name = "eve", Code = "e1", Qty = 0 });
            db.Add(new CParent { Id = 1, Code = "p1", Label = "one" });
            db.Add(new CParent { Id = 2, Code = "p2", Label = "two" });
            db.SaveChanges();
            db.Add(new CChild { ParentId = 1, ParentCode = "p1" });
            db.Add(new CChild { ParentId = 2, ParentCode = "p2" });
            db.SaveChanges();
        }

        public EfDatabase Database { get; }

        public QueryCache Cache { get; }

        public CatalogContext Cached() => new(Database.Options<CatalogContext>(Cache));

        public CatalogContext Plain() => new(Database.Options<CatalogContext>(null));

        public void Dispose()
        {
            Cache.Dispose();
            Database.Dispose();
        }
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void Trigger_WriteToItsTable_InvalidatesWhatTheTriggerWrites(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(0, db.Set<CAudit>().AsCacheBot().Cache().Count());
        using (var w = f.Cached())
        {
            w.Set<CItem>().AsTracking().Single(i => i.Name == "bob").Qty = 7; // the trigger inserts an audit row
            w.SaveChanges();
        }

        Assert.Equal(1, db.Set<CAudit>().AsCacheBot().Cache().Count());
        using (var w = f.Cached())
        {
            w.Set<CItem>().Where(i => i.Qty == 0).ExecuteUpdate(s => s.SetProperty(i => i.Qty, 3));
        }

        Assert.Equal(2, db.Set<CAudit>().AsCacheBot().Cache().Count());
        Assert.Equal(2, f.Plain().Set<CAudit>().Count());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void Trigger_OnSqliteOnlyTheTablesItsBodyWrites_AreInvalidated(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count());
        Assert.Equal(0, db.Set<CAudit>().AsCacheBot().Cache().Count());
        using (var w = f.Cached())
        {
            w.Add(new CItem { Name = "new", Code = "n1", Qty = 1 }); // the trigger fires on UPDATE only (both databases)
            w.SaveChanges();
        }

        var hits = f.Cache.Statistics.Hits;
        Assert.Equal(0, db.Set<CAudit>().AsCacheBot().Cache().Count());
        Assert.Equal(hits + 1, f.Cache.Statistics.Hits);
        using (var w = f.Cached())
        {
            w.Set<CItem>().AsTracking().Single(i => i.Code == "n1").Qty = 2; // the trigger writes CAudit
            w.SaveChanges();
        }

        hits = f.Cache.Statistics.Hits;
        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count());
        // SQLite: the trigger's body names CAudit only, so CLog's entry stays; PostgreSQL: a trigger function may write anything.
        Assert.Equal(f.Database.IsPostgres ? hits : hits + 1, f.Cache.Statistics.Hits);
        Assert.Equal(1, db.Set<CAudit>().AsCacheBot().Cache().Count());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ViewMappedAsTable_WriteToItsBaseTable_Invalidates(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(["bob"], db.Set<CActiveItem>().AsCacheBot().Cache().OrderBy(a => a.Id).Select(a => a.Name).ToList());
        Assert.Equal(1, db.Set<CActiveItem>().AsCacheBot().Cache().Count());
        using (var w = f.Cached())
        {
            w.Add(new CItem { Name = "cat", Code = "c1", Qty = 2 });
            w.SaveChanges();
        }

        Assert.Equal(["bob", "cat"], db.Set<CActiveItem>().AsCacheBot().Cache().OrderBy(a => a.Id).Select(a => a.Name).ToList());
        Assert.Equal(2, db.Set<CActiveItem>().AsCacheBot().Cache().Count());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void CaseFoldingColumn_InsertOfAnotherSpelling_Invalidates(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(0, db.Set<CItem>().AsCacheBot().Cache().Count(i => i.Name == "ANN"));
        using (var w = f.Cached())
        {
            w.Add(new CItem { Name = "ann", Code = "a1", Qty = 0 });
            w.SaveChanges();
        }

        Assert.Equal(1, db.Set<CItem>().AsCacheBot().Cache().Count(i => i.Name == "ANN"));
        Assert.Equal("ann", db.Set<CItem>().AsCacheBot().Cache().Where(i => i.Name == "Ann").Select(i => i.Name).Single());
        using (var w = f.Cached())
        {
            w.Set<CItem>().AsTracking().Single(i => i.Code == "a1").Name = "ANNE";
            w.SaveChanges();
        }

        Assert.Equal(0, db.Set<CItem>().AsCacheBot().Cache().Count(i => i.Name == "ANN"));
        Assert.Null(db.Set<CItem>().AsCacheBot().Cache().Where(i => i.Name == "Ann").Select(i => i.Name).SingleOrDefault());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void TrailingSpaceColumn_InsertWithPadding_Invalidates(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(0, db.Set<CItem>().AsCacheBot().Cache().Count(i => i.Code == "z9"));
        using (var w = f.Cached())
        {
            w.Add(new CItem { Name = "zed", Code = "z9  ", Qty = 0 });
            w.SaveChanges();
        }

        Assert.Equal(1, db.Set<CItem>().AsCacheBot().Cache().Count(i => i.Code == "z9"));
        Assert.Equal(1, f.Plain().Set<CItem>().Count(i => i.Code == "z9"));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void TriggerCreatedThroughCacheBot_IsFollowedByLaterWrites(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count()); // the catalog is read here, before the trigger exists
        using (var w = f.Cached())
        {
            w.Database.ExecuteSqlRaw(CatalogContext.LaterTrigger(f.Database.IsPostgres));
        }

        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count());
        using (var w = f.Cached())
        {
            w.Add(new CAudit { ItemId = 1 }); // the new trigger inserts a log row
            w.SaveChanges();
        }

        Assert.Equal(1, db.Set<CLog>().AsCacheBot().Cache().Count());
    }

    [Theory]
    [InlineData( // the model does not map the column: EF inserts without it, so the database fills it from its default
        "CREATE FUNCTION caudit_default() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO \"CLog\" (\"AuditId\") VALUES (0); RETURN 0; END $$; " +
        "ALTER TABLE \"CAudit\" ADD COLUMN \"Extra\" int NOT NULL DEFAULT caudit_default()")]
    [InlineData( // the CHECK names an operator, not the function: the catalog follows the operator to its function
        "CREATE FUNCTION caudit_op(a int, b int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO \"CLog\" (\"AuditId\") VALUES (a); RETURN a; END $$; " +
        "CREATE OPERATOR ==> (LEFTARG = int, RIGHTARG = int, FUNCTION = caudit_op); " +
        "ALTER TABLE \"CAudit\" ADD CONSTRAINT caudit_checked CHECK ((\"ItemId\" ==> 0) > -1000)")]
    public void PostgresExpressionCallingAWritingFunction_InsertInvalidatesWhatTheFunctionWrites(string ddl)
    {
        using var f = new Fixture("postgres");
        using (var w = f.Cached())
        {
            w.Database.ExecuteSqlRaw(ddl);
        }

        using var db = f.Cached();
        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count());
        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count());
        using (var w = f.Cached())
        {
            w.Add(new CAudit { ItemId = 1 });
            w.SaveChanges();
        }

        Assert.Equal(1, db.Set<CLog>().AsCacheBot().Cache().Count());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void TableWithoutCatalogFacts_KeepsRowPreciseInvalidation(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count(l => l.AuditId == 5));
        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count(l => l.AuditId == 6));
        using (var w = f.Cached())
        {
            w.Add(new CLog { AuditId = 6 });
            w.SaveChanges();
        }

        var hits = f.Cache.Statistics.Hits;
        Assert.Equal(0, db.Set<CLog>().AsCacheBot().Cache().Count(l => l.AuditId == 5));
        Assert.Equal(hits + 1, f.Cache.Statistics.Hits);
        Assert.Equal(1, db.Set<CLog>().AsCacheBot().Cache().Count(l => l.AuditId == 6));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ForeignKeyActionOnlyInTheDatabase_DeleteOfParent_InvalidatesChildren(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(1, db.Set<CChild>().AsCacheBot().Cache().Count(c => c.ParentId == 1));
        Assert.Equal(1, db.Set<CChild>().AsCacheBot().Cache().Count(c => c.ParentCode == "p2"));
        using (var w = f.Cached())
        {
            w.Remove(w.Set<CParent>().AsTracking().Single(p => p.Id == 1)); // ON DELETE CASCADE removes the child
            w.SaveChanges();
        }

        Assert.Equal(0, db.Set<CChild>().AsCacheBot().Cache().Count(c => c.ParentId == 1));
        using (var w = f.Cached())
        {
            w.Set<CParent>().Where(p => p.Id == 2).ExecuteDelete(); // the child's ParentCode is set to NULL, its ParentId cascades
        }

        Assert.Equal(0, db.Set<CChild>().AsCacheBot().Cache().Count(c => c.ParentCode == "p2"));
        Assert.Equal(0, f.Plain().Set<CChild>().Count());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ForeignKeyActionOnlyInTheDatabase_UpdateOfReferencedKey_InvalidatesChildren_OtherColumnsDoNot(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(0, db.Set<CChild>().AsCacheBot().Cache().Count(c => c.ParentCode == "p9"));
        using (var w = f.Cached())
        {
            w.Set<CParent>().AsTracking().Single(p => p.Id == 1).Label = "uno"; // not a referenced column: no child changes
            w.SaveChanges();
        }

        var hits = f.Cache.Statistics.Hits;
        Assert.Equal(0, db.Set<CChild>().AsCacheBot().Cache().Count(c => c.ParentCode == "p9"));
        Assert.Equal(hits + 1, f.Cache.Statistics.Hits);
        using (var w = f.Cached())
        {
            w.Set<CParent>().AsTracking().Single(p => p.Id == 1).Code = "p9"; // ON UPDATE CASCADE rewrites the child
            w.SaveChanges();
        }

        Assert.Equal(1, db.Set<CChild>().AsCacheBot().Cache().Count(c => c.ParentCode == "p9"));
        using (var w = f.Cached())
        {
            w.Set<CParent>().Where(p => p.Id == 2).ExecuteUpdate(s => s.SetProperty(p => p.Code, "p9b"));
        }

        Assert.Equal(1, db.Set<CChild>().AsCacheBot().Cache().Count(c => c.ParentCode == "p9b"));
    }

    [Fact]
    public void SqliteReplaceOnConflict_InsertThatReplacesARow_InvalidatesTheReplacedRow()
    {
        using var f = new Fixture("sqlite");
        using (var seed = f.Plain())
        {
            seed.Add(new CTag { Id = 1, Name = "a" });
            seed.SaveChanges();
        }

        using var db = f.Cached();
        Assert.Equal(1, db.Set<CTag>().AsCacheBot().Cache().Count(t => t.Id == 1));
        using (var w = f.Cached())
        {
            w.Add(new CTag { Id = 5, Name = "a" }); // the UNIQUE ... ON CONFLICT REPLACE deletes row 1
            w.SaveChanges();
        }

        Assert.Equal(0, db.Set<CTag>().AsCacheBot().Cache().Count(t => t.Id == 1));
        Assert.Equal([5], f.Plain().Set<CTag>().Select(t => t.Id).ToList());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ViewReadingTheClock_AndAViewOverIt_AreNotCached(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        var hits = f.Cache.Statistics.Hits;
        var first = db.Set<CNow>().AsCacheBot().Cache().Select(n => n.Stamp).Single();
        Thread.Sleep(5);
        var second = db.Set<CNow>().AsCacheBot().Cache().Select(n => n.Stamp).Single();
        Assert.NotEqual(first, second); // the clock moved, with no write at all
        Assert.Equal(1, db.Set<CNowAgain>().AsCacheBot().Cache().Count());
        Assert.Equal(1, db.Set<CNowAgain>().AsCacheBot().Cache().Count());
        Assert.Equal(hits, f.Cache.Statistics.Hits);
    }

    [Fact]
    public void RowLevelSecurity_TwoSessionsSeeTheirOwnRows_NeverEachOthers()
    {
        using var f = new Fixture("postgres");
        var role = "cb_rls_" + Guid.NewGuid().ToString("N")[..12];
        using (var admin = f.Plain())
        {
            admin.AddRange(new CSecret { Id = 1, Owner = "ann" }, new CSecret { Id = 2, Owner = "bob" }, new CSecret { Id = 3, Owner = "bob" });
            admin.SaveChanges();
            var schema = admin.Database.SqlQueryRaw<string>("SELECT current_schema() AS \"Value\"").Single();
            // A role that is not a superuser, so the policy applies (superusers bypass row-level security).
            Run(admin, "CREATE ROLE " + role + " LOGIN PASSWORD 'rls'");
            Run(admin, "GRANT USAGE ON SCHEMA " + schema + " TO " + role);
            Run(admin, "GRANT SELECT ON \"CSecret\" TO " + role);
        }

        try
        {
            // Two sessions that differ only in a setting the policy reads: one database identity, different rows.
            CatalogContext As(string owner)
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(f.Database.ConnectionString) { Username = role, Password = "rls", Options = "-c app.owner=" + owner, Pooling = false };
                return new(new DbContextOptionsBuilder<CatalogContext>().UseNpgsql(builder.ConnectionString).UseCacheBot(f.Cache).Options);
            }

            using var ann = As("ann");
            using var bob = As("bob");
            Assert.Equal(1, ann.Set<CSecret>().AsCacheBot().Cache().Count());
            Assert.Equal(2, bob.Set<CSecret>().AsCacheBot().Cache().Count());
            Assert.Equal(1, ann.Set<CSecret>().AsCacheBot().Cache().Count());
            Assert.Equal(["bob", "bob"], bob.Set<CSecret>().AsCacheBot().Cache().Select(s => s.Owner).ToList());
        }
        finally
        {
            using var admin = f.Plain();
            Run(admin, "DROP OWNED BY " + role);
            Run(admin, "DROP ROLE " + role);
        }
    }

    /// <summary>Runs DDL built from a generated role name (no user input).</summary>
    private static void Run(DbContext db, string ddl) => db.Database.ExecuteSqlRaw(ddl);

    [Fact]
    public void CatalogReadThatFails_GivesTheWorstCase_AndIsReadAgainOnTheNextUse()
    {
        var database = "catalog-test-" + Guid.NewGuid();
        var reads = 0;
        var failed = StoreFacts.For(database, () => { reads++; throw new InvalidOperationException("busy"); });
        Assert.False(failed.IsKnown);
        Assert.False(failed.IsCurrent);
        Assert.True(failed.WritesBeyond("t"));
        var read = new StoreFacts([], [], []);
        Assert.Same(read, StoreFacts.For(database, () => { reads++; return read; }));
        Assert.Same(read, StoreFacts.For(database, () => { reads++; return new StoreFacts([], [], []); }));
        Assert.Equal(2, reads);
        StoreFacts.Forget(database);
        Assert.False(read.IsCurrent);
        Assert.NotSame(read, StoreFacts.For(database, () => { reads++; return new StoreFacts([], [], []); }));
        Assert.Equal(3, reads);
    }

    [Fact]
    public void UnreadableCatalog_EveryWriteReachesBeyond_AndNoStringNarrows()
    {
        Assert.True(StoreFacts.Unreadable.WritesBeyond("anything"));
        Assert.Equal(StringMatching.Excluded, StoreFacts.Unreadable.Restrict("t", "c", StringMatching.Ordinal));
        var facts = new StoreFacts(["v"], [("t", new TriggerFacts(WriteEvents.Insert, [new RelationRef(null, "log")]))], new Dictionary<string, StringMatching> { [StoreFacts.Column("u", "c")] = StringMatching.AsciiIgnoreCase });
        Assert.False(facts.WritesBeyond("t"));
        Assert.Equal("log", Assert.Single(Assert.Single(facts.TriggersOn("T")).Targets!).Name);
        Assert.Empty(facts.TriggersOn("u"));
        Assert.True(facts.WritesBeyond("v"));
        Assert.False(facts.WritesBeyond("u"));
        Assert.Equal(StringMatching.AsciiIgnoreCase, facts.Restrict("U", "C", StringMatching.Ordinal));
        Assert.Equal(StringMatching.IgnoreCaseAndTrailingSpaces, facts.Restrict("u", "c", StringMatching.TrailingSpaces));
        Assert.Equal(StringMatching.Ordinal, facts.Restrict("u", "other", StringMatching.Ordinal));
    }
}

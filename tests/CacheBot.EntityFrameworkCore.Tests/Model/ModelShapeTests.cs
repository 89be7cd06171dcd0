using CacheBot.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace CacheBot.EntityFrameworkCore.Tests.Model;

public sealed class ModelShapeTests
{
    private sealed class Fixture : IDisposable
    {
        public Fixture(string kind)
        {
            Database = EfDatabase.Create(kind, "efmodel");
            Cache = new QueryCache(new QueryCacheOptions());
            using var db = Plain();
            EfDatabase.CreateTables(db);
            db.Database.ExecuteSqlRaw("CREATE VIEW \"NoteCounts\" AS SELECT \"CustomerId\", COUNT(*) AS \"N\" FROM \"Note\" GROUP BY \"CustomerId\"");
            db.AddRange(new Dog { Name = "rex", Breed = "lab" }, new Cat { Name = "tom", Lives = 9 }, new Car { Maker = "vw", Doors = 4 },
                new Bike { Maker = "bmx", Electric = false }, new Circle { Id = 1, Colour = "red", Radius = 1 }, new Square { Id = 2, Colour = "red", Side = 2 },
                new Customer { Name = "ann", Billing = new Address { City = "Oslo" }, Lines = [new Line { Id = 1, Quantity = 1 }], Prefs = new Prefs { Theme = "dark" }, Notes = [new Note { Text = "n1" }] },
                new Post { Title = "t1", Body = new PostBody { Content = "body1" } }, new Person { Name = "David" },
                new Tenanted { TenantId = 1 }, new Tenanted { TenantId = 2 }, new Tenanted { TenantId = 2 },
                new SoftDeleted { Group = 1 }, new SoftDeleted { Group = 1, IsDeleted = true },
                new Venue { Name = "hall", Spot = new Spot { City = "Oslo", Zip = 1 } },
                new Parcel { Label = "p1", Courier = new Courier { Name = "dhl", Depot = new Depot { City = "Oslo", Zones = [new Zone { Name = "north" }] } } },
                new Zone { Name = "south" });
            db.SaveChanges();
        }

        public EfDatabase Database { get; }

        public QueryCache Cache { get; }

        public ShapesContext Cached(int tenant = 1) => new(Database.Options<ShapesContext>(Cache), Database.IsPostgres) { TenantId = tenant };

        public ShapesContext Plain() => new(Database.Options<ShapesContext>(null), Database.IsPostgres);

        public void Dispose()
        {
            Cache.Dispose();
            Database.Dispose();
        }
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void ComplexProperty_UpdateOfItsColumns_Invalidates(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(1, db.Set<Venue>().AsCacheBot().Cache().Count(v => v.Spot.City == "Oslo"));
        Assert.Equal(0, db.Set<Venue>().AsCacheBot().Cache().Count(v => v.Spot.City == "Bergen"));
        Assert.Equal("Oslo", db.Set<Venue>().AsCacheBot().Cache().Single(v => v.Name == "hall").Spot.City);
        Assert.Equal(["hall"], db.Set<Venue>().AsCacheBot().Cache().Where(v => v.Spot.Zip == 1).Select(v => v.Name).ToList());
        var hits = f.Cache.Statistics.Hits;
        Assert.Equal(1, db.Set<Venue>().AsCacheBot().Cache().Count(v => v.Spot.City == "Oslo"));
        Assert.Equal("Oslo", db.Set<Venue>().AsCacheBot().Cache().Single(v => v.Name == "hall").Spot.City);
        Assert.Equal(hits + 2, f.Cache.Statistics.Hits);
        using (var w = f.Cached())
        {
            var venue = w.Set<Venue>().AsTracking().Single();
            venue.Spot.City = "Bergen";
            venue.Spot.Zip = 2;
            w.SaveChanges();
        }

        Assert.Equal(0, db.Set<Venue>().AsCacheBot().Cache().Count(v => v.Spot.City == "Oslo"));
        Assert.Equal(1, db.Set<Venue>().AsCacheBot().Cache().Count(v => v.Spot.City == "Bergen"));
        Assert.Equal("Bergen", db.Set<Venue>().AsCacheBot().Cache().Single(v => v.Name == "hall").Spot.City);
        Assert.Empty(db.Set<Venue>().AsCacheBot().Cache().Where(v => v.Spot.Zip == 1).Select(v => v.Name).ToList());
        db.Set<Venue>().ExecuteUpdate(s => s.SetProperty(v => v.Spot.Zip, 3));
        Assert.Equal(["hall"], db.Set<Venue>().AsCacheBot().Cache().Where(v => v.Spot.Zip == 3).Select(v => v.Name).ToList());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void AutoIncludedNavigations_WriteToAnIncludedTable_Invalidates(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal("dhl", db.Set<Parcel>().AsCacheBot().Cache().Where(p => p.Label == "p1").Single().Courier.Name);
        using (var w = f.Cached())
        {
            w.Set<Courier>().AsTracking().Single().Name = "ups";
            w.SaveChanges();
        }

        Assert.Equal("ups", db.Set<Parcel>().AsCacheBot().Cache().Where(p => p.Label == "p1").Single().Courier.Name);
        Assert.Equal("ups", db.Set<Parcel>().AsCacheBot().Cache().Select(p => p.Courier.Name).Single());

        // Transitively: the courier's auto-included depot comes with every parcel.
        Assert.Equal("Oslo", db.Set<Parcel>().AsCacheBot().Cache().Single(p => p.Label == "p1").Courier.Depot.City);
        using (var w = f.Cached())
        {
            w.Set<Depot>().AsTracking().Single().City = "Bergen";
            w.SaveChanges();
        }

        Assert.Equal("Bergen", db.Set<Parcel>().AsCacheBot().Cache().Single(p => p.Label == "p1").Courier.Depot.City);

        // An auto-included many-to-many navigation: a new link row (the join table only) changes every depot and parcel read.
        Assert.Equal(["north"], db.Set<Depot>().AsCacheBot().Cache().Single().Zones.Select(z => z.Name).ToList());
        Assert.Equal(["north"], db.Set<Parcel>().AsCacheBot().Cache().Single().Courier.Depot.Zones.Select(z => z.Name).ToList());
        using (var w = f.Cached())
        {
            var depot = w.Set<Depot>().AsTracking().Single();
            depot.Zones.Add(w.Set<Zone>().AsTracking().Single(z => z.Name == "south"));
            w.SaveChanges();
        }

        Assert.Equal(["north", "south"], db.Set<Depot>().AsCacheBot().Cache().Single().Zones.Select(z => z.Name).Order().ToList());
        Assert.Equal(["north", "south"], db.Set<Parcel>().AsCacheBot().Cache().Single().Courier.Depot.Zones.Select(z => z.Name).Order().ToList());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void Inheritance_TphTptTpc_WritesInvalidateBaseAndDerivedQueries(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(2, db.Set<Animal>().AsCacheBot().Cache().Count(a => a.Name != ""));
        Assert.Equal("lab", db.Set<Dog>().AsCacheBot().Cache().Select(d => d.Breed).Single());
        Assert.Equal(2, db.Set<Vehicle>().AsCacheBot().Cache().Count());
        Assert.Equal(4, db.Set<Vehicle>().AsCacheBot().Cache().OfType<Car>().Select(c => c.Doors).Single());
        Assert.Equal(2, db.Set<Figure>().AsCacheBot().Cache().Count(x => x.Colour == "red"));
        using (var w = f.Cached())
        {
            w.Add(new Dog { Name = "fido", Breed = "pug" });
            w.Set<Dog>().AsTracking().First(d => d.Name == "rex").Breed = "collie";
            w.Set<Car>().AsTracking().First().Doors = 2;
            w.Set<Square>().AsTracking().First().Colour = "blue";
            w.SaveChanges();
        }

        Assert.Equal(3, db.Set<Animal>().AsCacheBot().Cache().Count(a => a.Name != ""));
        Assert.Equal(["collie", "pug"], db.Set<Dog>().AsCacheBot().Cache().Select(d => d.Breed).OrderBy(x => x).ToList());
        Assert.Equal(2, db.Set<Vehicle>().AsCacheBot().Cache().OfType<Car>().Select(c => c.Doors).Single());
        Assert.Equal(1, db.Set<Figure>().AsCacheBot().Cache().Count(x => x.Colour == "red"));
        db.Set<Bike>().ExecuteUpdate(s => s.SetProperty(x => x.Electric, true));
        db.Set<Circle>().ExecuteUpdate(s => s.SetProperty(x => x.Colour, "blue"));
        Assert.Equal(0, db.Set<Figure>().AsCacheBot().Cache().Count(x => x.Colour == "red"));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void OwnedSplittingAndShadowKeys_WritesInvalidateOwnerQueries(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal("Oslo", db.Set<Customer>().AsCacheBot().Cache().Where(c => c.Name == "ann").Select(c => c.Billing.City).Single());
        Assert.Equal(1, db.Set<Customer>().AsCacheBot().Cache().Where(c => c.Name == "ann").Select(c => c.Lines.Count).Single());
        Assert.Equal("dark", db.Set<Customer>().AsCacheBot().Cache().First(c => c.Name == "ann").Prefs.Theme);
        Assert.Equal(1, db.Set<Customer>().AsCacheBot().Cache().Where(c => c.Name == "ann").Select(c => c.Notes.Count).Single());
        Assert.Equal("body1", db.Set<Post>().AsCacheBot().Cache().Include(p => p.Body).First(p => p.Title == "t1").Body!.Content);
        using (var w = f.Cached())
        {
            var c = w.Set<Customer>().AsTracking().Include(x => x.Notes).First();
            c.Billing.City = "Rome";
            c.Lines.Add(new Line { Id = 2, Quantity = 2 });
            c.Prefs.Theme = "light";
            c.Notes.Add(new Note { Text = "n2" });
            w.Set<PostBody>().AsTracking().First().Content = "body2";
            w.SaveChanges();
        }

        Assert.Equal("Rome", db.Set<Customer>().AsCacheBot().Cache().Where(c => c.Name == "ann").Select(c => c.Billing.City).Single());
        Assert.Equal(2, db.Set<Customer>().AsCacheBot().Cache().Where(c => c.Name == "ann").Select(c => c.Lines.Count).Single());
        Assert.Equal("light", db.Set<Customer>().AsCacheBot().Cache().First(c => c.Name == "ann").Prefs.Theme);
        Assert.Equal(2, db.Set<Customer>().AsCacheBot().Cache().Where(c => c.Name == "ann").Select(c => c.Notes.Count).Single());
        Assert.Equal("body2", db.Set<Post>().AsCacheBot().Cache().Include(p => p.Body).First(p => p.Title == "t1").Body!.Content);
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void CaseInsensitiveCollation_WriteInOtherCase_Invalidates(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(1, db.Set<Person>().AsCacheBot().Cache().Count(p => p.Name == "DAVID"));
        using (var w = f.Cached())
        {
            w.Add(new Person { Name = "david" });
            w.SaveChanges();
        }

        Assert.Equal(2, db.Set<Person>().AsCacheBot().Cache().Count(p => p.Name == "DAVID"));
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void View_WriteToItsBaseTable_Invalidates(string kind)
    {
        using var f = new Fixture(kind);
        using var db = f.Cached();
        Assert.Equal(1, db.Set<NoteCount>().AsCacheBot().Cache().Select(n => n.N).Single());
        using (var w = f.Cached())
        {
            w.Set<Customer>().AsTracking().Include(c => c.Notes).First().Notes.Add(new Note { Text = "n3" });
            w.SaveChanges();
        }

        Assert.Equal(2, db.Set<NoteCount>().AsCacheBot().Cache().Select(n => n.N).Single());
    }

    [Theory, MemberData(nameof(EfDatabase.Kinds), MemberType = typeof(EfDatabase))]
    public void QueryFilters_ContextValuesNeverShareEntries_RowFiltersStayCached(string kind)
    {
        using var f = new Fixture(kind);
        using var one = f.Cached(tenant: 1);
        using var two = f.Cached(tenant: 2);
        Assert.Equal(1, one.Set<Tenanted>().AsCacheBot().Cache().Count());
        Assert.Equal(2, two.Set<Tenanted>().AsCacheBot().Cache().Count());
        Assert.Equal(1, one.Set<Tenanted>().AsCacheBot().Cache().Count());
        Assert.Equal(0, f.Cache.Statistics.Hits);
        Assert.Equal(1, one.Set<SoftDeleted>().AsCacheBot().Cache().Count(s => s.Group == 1));
        Assert.Equal(1, one.Set<SoftDeleted>().AsCacheBot().Cache().Count(s => s.Group == 1));
        Assert.Equal(1, f.Cache.Statistics.Hits);
        using (var w = f.Cached())
        {
            w.Set<SoftDeleted>().IgnoreQueryFilters().AsTracking().First(s => s.IsDeleted).IsDeleted = false;
            w.SaveChanges();
        }

        Assert.Equal(2, one.Set<SoftDeleted>().AsCacheBot().Cache().Count(s => s.Group == 1));
    }

    [Fact]
    public void ManyContexts_WithManyCaches_BuildOneInternalServiceProvider()
    {
        // EF throws ManyServiceProvidersCreatedWarning after 20 internal providers: a cache in the provider's identity would fail here.
        using var database = EfDatabase.Create("sqlite", "efreg");
        var caches = new List<QueryCache>();
        for (var i = 0; i < 100; i++)
        {
            var cache = new QueryCache(new QueryCacheOptions());
            caches.Add(cache);
            using var db = new ShapesContext(database.Options<ShapesContext>(cache), postgres: false);
            if (i == 0)
            {
                EfDatabase.CreateTables(db);
            }

            Assert.Equal(0, db.Set<Person>().AsCacheBot().Cache().Count());
            Assert.Equal(0, db.Set<Person>().AsCacheBot().Cache().Count());
            Assert.Equal(1, cache.Statistics.Hits);
        }

        caches.ForEach(c => c.Dispose());
    }
}

using CacheBot.Linq;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Schema;

/// <summary>
/// Columns whose stored values are not their CLR values: a bool stored as 'Y'/'N' through mapping-schema converters,
/// a custom type through a converter, enums through string and integer <c>MapValue</c>s, a generated column. A write
/// the database matches with a cached query must invalidate it; a write it does not match need not, where the column
/// can narrow (finite domains with an exact inverse).
/// </summary>
public sealed class ValueMappingTests
{
    private const string SqliteDdl = """
        CREATE TABLE Flag (Id INTEGER PRIMARY KEY, Active TEXT NOT NULL, Kind TEXT NOT NULL, Level INTEGER NOT NULL, Price INTEGER NOT NULL,
            Note TEXT NOT NULL, Code TEXT NOT NULL);
        INSERT INTO Flag VALUES (1, 'Y', 'R', 10, 500, 'a', 'ABC'), (2, 'N', 'D', 20, 700, 'b', 'XYZ');
        CREATE TABLE Line (Id INTEGER PRIMARY KEY, Qty INTEGER NOT NULL, Unit INTEGER NOT NULL, Total INTEGER GENERATED ALWAYS AS (Qty * Unit) STORED);
        INSERT INTO Line (Id, Qty, Unit) VALUES (1, 1, 10), (2, 2, 10);
        CREATE TABLE Pet (Id INTEGER PRIMARY KEY, Kind TEXT NOT NULL, Name TEXT NOT NULL, Size INTEGER NULL);
        INSERT INTO Pet VALUES (1, 'D', 'rex', 20), (2, 'C', 'tom', NULL);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "Flag" ("Id" INTEGER PRIMARY KEY, "Active" TEXT NOT NULL, "Kind" TEXT NOT NULL, "Level" INTEGER NOT NULL, "Price" BIGINT NOT NULL,
            "Note" TEXT NOT NULL, "Code" TEXT NOT NULL);
        INSERT INTO "Flag" VALUES (1, 'Y', 'R', 10, 500, 'a', 'ABC'), (2, 'N', 'D', 20, 700, 'b', 'XYZ');
        CREATE TABLE "Line" ("Id" INTEGER PRIMARY KEY, "Qty" INTEGER NOT NULL, "Unit" INTEGER NOT NULL, "Total" INTEGER GENERATED ALWAYS AS ("Qty" * "Unit") STORED);
        INSERT INTO "Line" ("Id", "Qty", "Unit") VALUES (1, 1, 10), (2, 2, 10);
        CREATE TABLE "Pet" ("Id" INTEGER PRIMARY KEY, "Kind" TEXT NOT NULL, "Name" TEXT NOT NULL, "Size" INTEGER NULL);
        INSERT INTO "Pet" VALUES (1, 'D', 'rex', 20), (2, 'C', 'tom', NULL);
        """;

    public enum Kind
    {
        [MapValue("R")]
        Raw,

        [MapValue("D")]
        Done,
    }

    public enum Level
    {
        [MapValue(10)]
        Low,

        [MapValue(20)]
        High,
    }

    public readonly record struct Money(long Cents);

    /// <summary>Stores text upper-cased: two CLR values ("abc", "Abc") store alike, so the column cannot narrow.</summary>
    public sealed class UpperConverter : ValueConverter<string, string>
    {
        public UpperConverter()
            : base(static v => v.ToUpperInvariant(), static p => p.ToLowerInvariant(), handlesNulls: false)
        {
        }
    }

    [Table("Flag")]
    public sealed class Flag
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column]
        public bool Active { get; set; }

        [Column]
        public Kind Kind { get; set; }

        [Column]
        public Level Level { get; set; }

        [Column]
        public Money Price { get; set; }

        [Column]
        public string Note { get; set; } = string.Empty;

        [Column]
        [ValueConverter(ConverterType = typeof(UpperConverter))]
        public string Code { get; set; } = string.Empty;
    }

    [Table("Line")]
    public sealed class Line
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column]
        public int Qty { get; set; }

        [Column]
        public int Unit { get; set; }

        [Column(SkipOnInsert = true, SkipOnUpdate = true)]
        public int Total { get; set; }
    }

    [Table("Pet")]
    [InheritanceMapping(Code = "D", Type = typeof(Dog))]
    [InheritanceMapping(Code = "C", Type = typeof(Cat))]
    public abstract class Pet
    {
        [PrimaryKey]
        public int Id { get; set; }

        [Column(IsDiscriminator = true)]
        public string Kind { get; set; } = string.Empty;

        [Column]
        public string Name { get; set; } = string.Empty;
    }

    public sealed class Dog : Pet
    {
        /// <summary>A nullable enum stored through integer map values.</summary>
        [Column]
        public Level? Size { get; set; }
    }

    public sealed class Cat : Pet
    {
    }

    private static MappingSchema Mapping()
    {
        var mapping = new MappingSchema();
        mapping.SetConverter<bool, string>(static b => b ? "Y" : "N");
        mapping.SetConverter<string, bool>(static s => s == "Y");
        mapping.SetConverter<bool, DataParameter>(static b => new DataParameter { Value = b ? "Y" : "N", DataType = DataType.VarChar });
        mapping.SetConverter<Money, long>(static m => m.Cents);
        mapping.SetConverter<long, Money>(static c => new Money(c));
        mapping.SetConverter<Money, DataParameter>(static m => new DataParameter { Value = m.Cents, DataType = DataType.Int64 });
        mapping.SetDataType(typeof(Money), DataType.Int64);
        return mapping;
    }

    private static List<int> Ids(IQueryable<Flag> flags) => [.. flags.Select(f => f.Id).ToList().Order()];

    private static void AssertFresh(SchemaDb test, DataConnection db, Func<IQueryable<Flag>, IQueryable<Flag>> filter)
    {
        using var plain = test.OpenPlain();
        Assert.Equal(Ids(filter(plain.GetTable<Flag>())), Ids(filter(db.GetTable<Flag>().AsCacheBot().Cache())));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void BoolStoredAsYN_RowTurnsTrue_InvalidatesEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Active == true)));

        var row = db.GetTable<Flag>().Single(f => f.Id == 2);
        row.Active = true;
        db.Update(row);

        Assert.Equal([1], before);
        AssertFresh(test, db, q => q.Where(f => f.Active == true));
        Assert.Equal([1, 2], Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Active == true)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void BoolStoredAsYN_FalseRowStaysFalse_KeepsEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Active == true)));

        db.GetTable<Flag>().Where(f => f.Id == 2).Set(f => f.Note, "changed").Update(); // 'N' before and after

        var (after, hit) = Probe.Run(test.Cache, () => Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Active == true)));
        Assert.True(hit);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void LossyValueConverter_OtherClrValueStoringAlike_InvalidatesEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Code == "abc")));

        db.GetTable<Flag>().Where(f => f.Id == 2).Set(f => f.Code, "Abc").Update(); // stored 'ABC', as "abc" is

        Assert.Equal([1], before);
        AssertFresh(test, db, q => q.Where(f => f.Code == "abc"));
        Assert.Equal([1, 2], Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Code == "abc")));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void CustomTypeConverter_ColumnWritten_InvalidatesRowsReadingIt(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Note == "b").Select(f => f.Price).ToList());

        db.GetTable<Flag>().Where(f => f.Id == 2).Set(f => f.Price, new Money(900)).Update();

        Assert.Equal([new Money(700)], before);
        Assert.Equal([new Money(900)], db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Note == "b").Select(f => f.Price).ToList());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void StringMapValueEnum_RowMovesToValue_InvalidatesEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Kind == Kind.Raw)));

        db.GetTable<Flag>().Where(f => f.Id == 2).Set(f => f.Kind, Kind.Raw).Update();

        Assert.Equal([1], before);
        AssertFresh(test, db, q => q.Where(f => f.Kind == Kind.Raw));
        Assert.Equal([1, 2], Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Kind == Kind.Raw)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void IntMapValueEnum_RowMovesToValue_InvalidatesEntry_OtherRowsKeepIt(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Level == Level.High)));

        db.GetTable<Flag>().Where(f => f.Id == 1).Set(f => f.Note, "changed").Update(); // stays Low (10)
        var (kept, hit) = Probe.Run(test.Cache, () => Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Level == Level.High)));
        db.GetTable<Flag>().Where(f => f.Id == 1).Set(f => f.Level, Level.High).Update();

        Assert.True(hit);
        Assert.Equal(before, kept);
        Assert.Equal([2], before);
        AssertFresh(test, db, q => q.Where(f => f.Level == Level.High));
        Assert.Equal([1, 2], Ids(db.GetTable<Flag>().AsCacheBot().Cache().Where(f => f.Level == Level.High)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void GeneratedColumn_SourceColumnWritten_InvalidatesQueriesOnIt(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => db.GetTable<Line>().AsCacheBot().Cache().Where(l => l.Total == 20).Select(l => l.Id).ToList());

        db.GetTable<Line>().Where(l => l.Id == 1).Set(l => l.Qty, 2).Update(); // Total 10 -> 20

        using var plain = test.OpenPlain();
        var truth = plain.GetTable<Line>().Where(l => l.Total == 20).Select(l => l.Id).ToList().Order().ToList();
        Assert.Equal([2], before);
        Assert.Equal([1, 2], truth);
        Assert.Equal(truth, db.GetTable<Line>().AsCacheBot().Cache().Where(l => l.Total == 20).Select(l => l.Id).ToList().Order().ToList());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void GeneratedColumn_SourceWrittenToOtherValue_KeepsEntry(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        var before = Probe.Warm(test.Cache, () => db.GetTable<Line>().AsCacheBot().Cache().Where(l => l.Total == 20).Select(l => l.Id).ToList());

        db.GetTable<Line>().Where(l => l.Id == 1).Set(l => l.Qty, 3).Update(); // Total 10 -> 30

        var (after, hit) = Probe.Run(test.Cache, () => db.GetTable<Line>().AsCacheBot().Cache().Where(l => l.Total == 20).Select(l => l.Id).ToList());
        Assert.True(hit);
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void InheritanceAndNullableMapValueEnum_DerivedRowsWritten_InvalidateOnlyMatchingEntries(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        List<int> Dogs(Level? size) => [.. db.GetTable<Dog>().AsCacheBot().Cache().Where(d => d.Size == size).Select(d => d.Id).ToList().Order()];
        var high = Probe.Warm(test.Cache, () => Dogs(Level.High));
        var unsized = Probe.Warm(test.Cache, () => Dogs(null));
        var low = Probe.Warm(test.Cache, () => Dogs(Level.Low));

        db.Insert(new Dog { Id = 3, Kind = "D", Name = "fido", Size = null });
        db.GetTable<Dog>().Where(d => d.Id == 1).Set(d => d.Size, (Level?)null).Update(); // 20 (High) -> null

        var (lowAfter, lowHit) = Probe.Run(test.Cache, () => Dogs(Level.Low));
        Assert.Equal([1], high);
        Assert.Empty(unsized);
        Assert.Empty(Dogs(Level.High));
        Assert.Equal([1, 3], Dogs(null));
        Assert.True(lowHit);
        Assert.Equal(low, lowAfter);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void Inheritance_DiscriminatorChangedBySql_InvalidatesAQueryThatNamesOtherColumnsOnly(string provider)
    {
        // linq2db adds "Kind = 'D'" to every read of Dog: the discriminator is read although the query does not name it, so
        // an update of Kind alone must invalidate (column-aware invalidation is off for inheritance-mapped entities).
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl, Mapping());
        using var db = test.Open();
        List<string> DogNames(DataConnection d, bool cached) =>
            [.. (cached ? d.GetTable<Dog>().AsCacheBot().Cache() : d.GetTable<Dog>()).Select(x => x.Name).ToList().Order(StringComparer.Ordinal)];
        var before = Probe.Warm(test.Cache, () => DogNames(db, true));

        var q = provider == "sqlite" ? string.Empty : "\"";
        db.Execute($"UPDATE {q}Pet{q} SET {q}Kind{q} = 'D' WHERE {q}Id{q} = 2");

        using var plain = test.OpenPlain();
        Assert.Equal(["rex"], before);
        var (after, hit) = Probe.Run(test.Cache, () => DogNames(db, true));
        Assert.False(hit);
        Assert.Equal(DogNames(plain, false), after);
        Assert.Equal(["rex", "tom"], after);
    }
}

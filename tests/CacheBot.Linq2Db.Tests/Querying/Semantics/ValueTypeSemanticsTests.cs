using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Querying.Semantics;

/// <summary>
/// Equalities, <c>In</c> lists and ranges over every value type a mapping commonly holds (integers of each width, enums,
/// Guid, decimal, float, double, DateTime, DateTimeOffset, byte arrays, char), after writes through linq2db, entities and
/// raw SQL whose stored values the database compares in its own way (a float written as a double literal, a decimal with
/// trailing zeros, a Guid in upper case text): each cached answer equals the database's, on SQLite and PostgreSQL.
/// </summary>
public sealed class ValueTypeSemanticsTests
{
    private const string SqliteDdl = """
        CREATE TABLE VRow (Id INTEGER PRIMARY KEY, Small INTEGER NOT NULL, Big INTEGER NOT NULL, Tiny INTEGER NOT NULL, Mood INTEGER NOT NULL,
            Uid TEXT NOT NULL, Price NUMERIC NOT NULL, Ratio REAL NOT NULL, Score REAL NOT NULL, At TEXT NOT NULL, AtOffset TEXT NOT NULL,
            Data BLOB NOT NULL, Letter TEXT NOT NULL);
        INSERT INTO VRow VALUES
          (1, 1, 10000000000, 1, 0, '11111111-1111-1111-1111-111111111111', 1.50, 0.5, 1.25, '2024-01-01 00:00:00', '2024-01-01 00:00:00+00:00', X'0102', 'a'),
          (2, 2, 20000000000, 2, 1, '22222222-2222-2222-2222-222222222222', 2.00, 0.25, 2.5, '2024-02-01 00:00:00', '2024-02-01 00:00:00+00:00', X'0304', 'b');
        """;

    private const string PostgresDdl = """
        CREATE TABLE "VRow" ("Id" INTEGER PRIMARY KEY, "Small" SMALLINT NOT NULL, "Big" BIGINT NOT NULL, "Tiny" SMALLINT NOT NULL, "Mood" INTEGER NOT NULL,
            "Uid" UUID NOT NULL, "Price" NUMERIC(10, 2) NOT NULL, "Ratio" REAL NOT NULL, "Score" DOUBLE PRECISION NOT NULL, "At" TIMESTAMP NOT NULL,
            "AtOffset" TIMESTAMPTZ NOT NULL, "Data" BYTEA NOT NULL, "Letter" CHAR(1) NOT NULL);
        INSERT INTO "VRow" VALUES
          (1, 1, 10000000000, 1, 0, '11111111-1111-1111-1111-111111111111', 1.50, 0.5, 1.25, '2024-01-01 00:00:00', '2024-01-01 00:00:00+00:00', '\x0102', 'a'),
          (2, 2, 20000000000, 2, 1, '22222222-2222-2222-2222-222222222222', 2.00, 0.25, 2.5, '2024-02-01 00:00:00', '2024-02-01 00:00:00+00:00', '\x0304', 'b');
        """;

    private static readonly Guid First = new("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Third = new("33333333-3333-3333-3333-333333333333");
    private static readonly Guid Upper = new("aaaaaaaa-1111-1111-1111-111111111111");

    private static IEnumerable<(string Name, Func<IQueryable<VRow>, object?> Query)> Queries()
    {
        var blob = new byte[] { 1, 2 };
        var at = new DateTime(2024, 1, 1);
        var offset = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        yield return ("short ==", q => Ids(q.Where(x => x.Small == 2)));
        yield return ("long ==", q => Ids(q.Where(x => x.Big == 10000000000L)));
        yield return ("byte ==", q => Ids(q.Where(x => x.Tiny == 1)));
        yield return ("enum ==", q => Ids(q.Where(x => x.Mood == Mood.Sad)));
        yield return ("enum in", q => Ids(q.Where(x => new[] { Mood.Happy, Mood.Angry }.Contains(x.Mood))));
        yield return ("guid ==", q => Ids(q.Where(x => x.Uid == First)));
        yield return ("guid in", q => Ids(q.Where(x => new[] { First, Third }.Contains(x.Uid))));
        yield return ("guid == upper-case one", q => Ids(q.Where(x => x.Uid == Upper)));
        yield return ("decimal ==", q => Ids(q.Where(x => x.Price == 2m)));
        yield return ("decimal range", q => Ids(q.Where(x => x.Price > 1.5m && x.Price < 3m)));
        yield return ("float ==", q => Ids(q.Where(x => x.Ratio == 0.25f)));
        yield return ("double ==", q => Ids(q.Where(x => x.Score == 2.5)));
        yield return ("double range", q => Ids(q.Where(x => x.Score >= 1.25 && x.Score < 2.5)));
        yield return ("DateTime ==", q => Ids(q.Where(x => x.At == at)));
        yield return ("DateTime range", q => Ids(q.Where(x => x.At >= at && x.At < at.AddMonths(1))));
        yield return ("DateTimeOffset ==", q => Ids(q.Where(x => x.AtOffset == offset)));
        yield return ("bytes ==", q => Ids(q.Where(x => x.Data == blob)));
        yield return ("char ==", q => Ids(q.Where(x => x.Letter == 'b')));
        yield return ("sum decimal", q => q.Sum(x => x.Price));
        yield return ("max float", q => q.Max(x => x.Ratio));
        yield return ("get by guid", q => q.Where(x => x.Uid == First).Select(x => (int?)x.Id).FirstOrDefault());
    }

    private static string Ids(IQueryable<VRow> q) => string.Join(",", q.Select(x => x.Id).ToList().Order());

    private static VRow Row(int id) => new()
    {
        Id = id, Small = 2, Big = 10000000000L, Tiny = 1, Mood = Mood.Angry, Uid = Third, Price = 2.00m, Ratio = 0.25f, Score = 2.5,
        At = new DateTime(2024, 1, 1), AtOffset = new DateTimeOffset(2024, 1, 1, 2, 0, 0, TimeSpan.FromHours(2)), Data = [1, 2], Letter = 'b',
    };

    private static IEnumerable<(string Name, Action<DataConnection> Write)> Writes(bool postgres)
    {
        var q = (DataConnection db) => db.GetTable<VRow>();
        yield return ("insert matching row", db => db.Insert(Row(3)));
        yield return ("row 1 short 2", db => q(db).Where(x => x.Id == 1).Set(x => x.Small, (short)2).Update());
        yield return ("row 2 long", db => q(db).Where(x => x.Id == 2).Set(x => x.Big, 10000000000L).Update());
        yield return ("row 2 enum", db => q(db).Where(x => x.Id == 2).Set(x => x.Mood, Mood.Sad).Update());
        yield return ("row 1 guid", db => q(db).Where(x => x.Id == 1).Set(x => x.Uid, Third).Update());
        yield return ("raw guid", db => db.Execute("UPDATE \"VRow\" SET \"Uid\" = '11111111-1111-1111-1111-111111111111' WHERE \"Id\" = 2"));
        yield return ("raw guid in upper case", db => db.Execute("UPDATE \"VRow\" SET \"Uid\" = 'AAAAAAAA-1111-1111-1111-111111111111' WHERE \"Id\" = 1"));
        yield return ("raw decimal trailing zeros", db => db.Execute("UPDATE \"VRow\" SET \"Price\" = 2.000 WHERE \"Id\" = 1"));
        yield return ("raw float literal", db => db.Execute("UPDATE \"VRow\" SET \"Ratio\" = 0.25 WHERE \"Id\" = 1"));
        yield return ("raw double", db => db.Execute("UPDATE \"VRow\" SET \"Score\" = 2.50 WHERE \"Id\" = 1"));
        yield return ("row 2 date", db => q(db).Where(x => x.Id == 2).Set(x => x.At, new DateTime(2024, 1, 1)).Update());
        yield return ("row 2 offset same instant", db => q(db).Where(x => x.Id == 2).Set(x => x.AtOffset, new DateTimeOffset(2024, 1, 1, 3, 0, 0, TimeSpan.FromHours(3))).Update());
        yield return ("row 2 bytes", db => q(db).Where(x => x.Id == 2).Set(x => x.Data, new byte[] { 1, 2 }).Update());
        yield return ("row 1 char", db => q(db).Where(x => x.Id == 1).Set(x => x.Letter, 'b').Update());
        yield return ("entity update row 3", db => { var r = Row(3); r.Mood = Mood.Happy; r.Price = 9.99m; r.Uid = First; db.Update(r); });
        yield return ("delete row 2", db => q(db).Where(x => x.Id == 2).Delete());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public void EveryValueType_AnswersAsTheDatabase_AfterWritesOfEqualValues(string provider)
    {
        PlainComparison.Run(provider, SqliteDdl, PostgresDdl, PlainComparison.Table<VRow>, _ => Queries(), Writes);
    }
}

public enum Mood
{
    Happy = 0,
    Sad = 1,
    Angry = 2,
}

[Table("VRow")]
public sealed class VRow
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public short Small { get; set; }

    [Column]
    public long Big { get; set; }

    [Column]
    public byte Tiny { get; set; }

    [Column]
    public Mood Mood { get; set; }

    [Column]
    public Guid Uid { get; set; }

    [Column]
    public decimal Price { get; set; }

    [Column]
    public float Ratio { get; set; }

    [Column]
    public double Score { get; set; }

    [Column]
    public DateTime At { get; set; }

    [Column]
    public DateTimeOffset AtOffset { get; set; }

    [Column, NotNull]
    public byte[] Data { get; set; } = [];

    [Column]
    public char Letter { get; set; }
}

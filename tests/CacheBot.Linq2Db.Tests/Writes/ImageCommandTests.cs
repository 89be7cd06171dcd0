using CacheBot.Linq;
using CacheBot.Linq2Db.Tests.Schema;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Tests.Writes;

[Table("Item")]
public sealed class PItem
{
    [PrimaryKey]
    public int Id { get; set; }

    [Column]
    public int Owner { get; set; }

    [Column]
    public string Name { get; set; } = string.Empty;

    [Column]
    public decimal Price { get; set; }
}

/// <summary>
/// The commands CacheBot runs for row images (the write with <c>RETURNING</c>, the pre-image <c>SELECT</c>,
/// <c>BEGIN IMMEDIATE</c>/<c>COMMIT</c>) are kept prepared per connection and run with the user's own parameter objects.
/// What they write must be exactly what the user's command would write (a copied parameter once truncated text to an
/// unset <c>Size</c> of 0), across many writes on one connection, transactions, rollbacks and a closed connection.
/// </summary>
public sealed class ImageCommandTests
{
    private const string SqliteDdl = """
        CREATE TABLE Item (Id INTEGER PRIMARY KEY, Owner INTEGER NOT NULL, Name TEXT NOT NULL, Price NUMERIC NOT NULL);
        INSERT INTO Item (Id, Owner, Name, Price) VALUES (1, 1, 'one', 1.5), (2, 2, 'two', 2.5);
        """;

    private const string PostgresDdl = """
        CREATE TABLE "Item" ("Id" INTEGER PRIMARY KEY, "Owner" INTEGER NOT NULL, "Name" TEXT NOT NULL, "Price" NUMERIC(12, 2) NOT NULL);
        INSERT INTO "Item" ("Id", "Owner", "Name", "Price") VALUES (1, 1, 'one', 1.5), (2, 2, 'two', 2.5);
        """;

    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    private static string Rows(DataConnection db, bool cached)
    {
        var items = cached ? db.GetTable<PItem>().AsCacheBot().Cache() : db.GetTable<PItem>();
        return string.Join(";", items.OrderBy(i => i.Id).ToList().Select(i => $"{i.Id}/{i.Owner}/{i.Name}/{i.Price:0.00}"));
    }

    private static string NamesOf(DataConnection db, int owner) =>
        string.Join(",", db.GetTable<PItem>().AsCacheBot().Cache().Where(i => i.Owner == owner).OrderBy(i => i.Id).Select(i => i.Name));

    private static void AssertCachedAnswersMatch(SchemaDb test, DataConnection db)
    {
        using var plain = test.OpenPlain();
        Assert.Equal(Rows(plain, cached: false), Rows(db, cached: true));
        for (var owner = 1; owner <= 3; owner++)
        {
            Assert.Equal(
                string.Join(",", plain.GetTable<PItem>().Where(i => i.Owner == owner).OrderBy(i => i.Id).Select(i => i.Name)),
                NamesOf(db, owner));
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void ImagedWrites_StoreExactlyTheUsersValues(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        using var db = test.Open();
        Probe.Warm(test.Cache, () => NamesOf(db, 1)); // a scheme on Owner: every write below reads row images

        db.Insert(new PItem { Id = 10, Owner = 1, Name = "a longer name with spaces", Price = 12.34m });
        db.Update(new PItem { Id = 1, Owner = 1, Name = "renamed by entity", Price = 9.99m });
        db.GetTable<PItem>().Where(i => i.Name == "two").Set(i => i.Name, "renamed by dml").Set(i => i.Price, 7.25m).Update();
        db.InsertOrReplace(new PItem { Id = 11, Owner = 3, Name = "upserted", Price = 0.5m });

        using (var plain = test.OpenPlain())
        {
            Assert.Equal(
                "1/1/renamed by entity/9.99;2/2/renamed by dml/7.25;10/1/a longer name with spaces/12.34;11/3/upserted/0.50",
                Rows(plain, cached: false));
        }

        Assert.Equal(1, db.GetTable<PItem>().Where(i => i.Name == "a longer name with spaces").Delete());
        AssertCachedAnswersMatch(test, db);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void ManyWritesOnOneConnection_WithTransactionsAndReopen_StayExact(string provider)
    {
        using var test = SchemaDb.Create(provider, SqliteDdl, PostgresDdl);
        var expected = new Dictionary<int, (int Owner, string Name)> { [1] = (1, "one"), [2] = (2, "two") };
        var db = test.Open();
        try
        {
            Probe.Warm(test.Cache, () => NamesOf(db, 1));
            for (var i = 0; i < 60; i++)
            {
                var id = 100 + i;
                var owner = 1 + (i % 3);
                var name = new string('x', i % 7) + "n" + i;
                switch (i % 6)
                {
                    case 0:
                        db.Insert(new PItem { Id = id, Owner = owner, Name = name, Price = i });
                        expected[id] = (owner, name);
                        break;
                    case 1:
                        db.GetTable<PItem>().Where(x => x.Id == 100 + i - 1).Set(x => x.Owner, owner).Set(x => x.Name, name).Update();
                        expected[100 + i - 1] = (owner, name);
                        break;
                    case 2:
                        using (var transaction = db.BeginTransaction())
                        {
                            db.Insert(new PItem { Id = id, Owner = owner, Name = name, Price = i });
                            transaction.Rollback();
                        }

                        break;
                    case 3:
                        using (var transaction = db.BeginTransaction())
                        {
                            db.Insert(new PItem { Id = id, Owner = owner, Name = name, Price = i });
                            db.GetTable<PItem>().Where(x => x.Id == id).Set(x => x.Name, name + "!").Update();
                            transaction.Commit();
                        }

                        expected[id] = (owner, name + "!");
                        break;
                    case 4:
                        db.GetTable<PItem>().Where(x => x.Id == 100 + i - 1).Delete();
                        expected.Remove(100 + i - 1);
                        break;
                    default:
                        // A new connection: the prepared commands of the old one are gone with it.
                        db.Dispose();
                        db = test.Open();
                        db.Update(new PItem { Id = 1, Owner = owner, Name = name, Price = 1 });
                        expected[1] = (owner, name);
                        break;
                }

                for (var o = 1; o <= 3; o++)
                {
                    var names = string.Join(",", expected.Where(e => e.Value.Owner == o).OrderBy(e => e.Key).Select(e => e.Value.Name));
                    Assert.Equal(names, NamesOf(db, o));
                }
            }

            AssertCachedAnswersMatch(test, db);
        }
        finally
        {
            db.Dispose();
        }
    }
}

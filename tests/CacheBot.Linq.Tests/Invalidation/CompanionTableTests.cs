using System.Text;
using CacheBot.Linq.Providers;
using static CacheBot.Linq.Tests.Invalidation.UnmodelledTargetTests;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// <see cref="TableModel.CompanionTables"/>: tables read with every row of a table (inheritance, owned collections, split
/// parts). Every query reading the table depends on any row of each companion, of their companions in turn, and even when
/// the same table also occurs narrowed elsewhere in the query.
/// </summary>
public sealed class CompanionTableTests
{
    private const string Database = "companions";

    [Fact]
    public void RootQuery_DependsOnAnyRowOfEachCompanion_Transitively()
    {
        using var fixture = new Fixture();

        var e = fixture.Shots.Cache().Where(s => s.Id == 1).Explain();

        Assert.True(e.IsCacheable);
        Assert.Contains(e.Dependencies, d => d.Table == "Shots" && d.Columns.SequenceEqual(["Id"]));
        Assert.Contains(e.Dependencies, d => d.Table == "Owners" && d.IsAnyRow);
        Assert.Contains(e.Dependencies, d => d.Table == "Badges" && d.IsAnyRow);
    }

    [Fact]
    public void NavigationToATableWithCompanions_AddsThem()
    {
        using var fixture = new Fixture();

        // Owners' companion is Badges: a navigation into Owners reads Badges with every owner.
        var e = fixture.Shots.Cache().Where(s => s.Owner.Name == "ann").Explain();

        Assert.Contains(e.Dependencies, d => d.Table == "Badges" && d.IsAnyRow);
    }

    [Fact]
    public void CompanionAlsoNarrowedElsewhere_StillDependsOnAnyRow()
    {
        using var fixture = new Fixture();
        var shots = fixture.Shots;

        // Owners occurs first, narrowed to id 2; the Shots subquery reads every owner row as its companion.
        var e = fixture.Owners.Cache().Where(o => o.Id == 2 && shots.Any(s => s.Id == 1)).Explain();

        Assert.True(e.IsCacheable);
        Assert.Contains(e.Dependencies, d => d.Table == "Owners" && d.Columns.SequenceEqual(["Id"]));
        Assert.Contains(e.Dependencies, d => d.Table == "Owners" && d.IsAnyRow);
        Assert.Single(e.Dependencies, d => d.Table == "Badges" && d.IsAnyRow);
    }

    [Fact]
    public void CompanionWriteToAnotherRow_InvalidatesTheQuery()
    {
        using var fixture = new Fixture();
        var shots = fixture.Shots;
        Func<List<int>> query = () => fixture.Owners.Cache().Where(o => o.Id == 2 && shots.Any(s => s.Id == 1)).Select(o => o.Id).ToList();

        Assert.Equal([2], query());
        Assert.Equal([2], query());
        Assert.Equal(1, fixture.Cache.Statistics.Hits);

        var commit = fixture.Cache.BeginCommit([]);
        commit.Complete([WriteRecord.ForImages(fixture.Model.Owners, Row(1, "ann"), Row(1, "anna"))]);

        Assert.Equal([2], query());
        Assert.Equal(1, fixture.Cache.Statistics.Hits);
    }

    private static RowValues Row(int id, string name) => new(new Dictionary<string, object?> { ["Id"] = id, ["Name"] = name });

    [Fact]
    public void IgnoredCompanion_RefusesTheQuery()
    {
        var options = new QueryCacheOptions();
        options.IgnoredTables.Add("Badges");
        using var fixture = new Fixture(options);

        var e = fixture.Shots.Cache().Where(s => s.Id == 1).Explain();

        Assert.Equal(CacheDecision.Refused, e.Decision);
        Assert.Contains("Badges", e.Reason, StringComparison.Ordinal);
    }

    private sealed class Fixture : IDisposable
    {
        public Fixture(QueryCacheOptions? options = null)
        {
            Cache = new QueryCache(options ?? new QueryCacheOptions());
            var owners = new List<OwnerRow> { new() { Id = 1, Name = "ann" }, new() { Id = 2, Name = "bob" } };
            var shotRows = new List<ShotRow>
            {
                new() { Id = 1, OwnerId = 1, Owner = owners[0] },
                new() { Id = 2, OwnerId = 2, Owner = owners[1] },
            };
            Model = new CompanionModel();
            var rawShots = shotRows.AsQueryable();
            var rawOwners = owners.AsQueryable();
            Shots = new CacheBotQueryContext(Cache, rawShots.Provider, Model, null).CreateQueryable<ShotRow>(rawShots.Expression);
            Owners = new CacheBotQueryContext(Cache, rawOwners.Provider, Model, null).CreateQueryable<OwnerRow>(rawOwners.Expression);
        }

        public QueryCache Cache { get; }

        public CompanionModel Model { get; }

        public IQueryable<ShotRow> Shots { get; }

        public IQueryable<OwnerRow> Owners { get; }

        public void Dispose() => Cache.Dispose();
    }

    /// <summary>Shots read Owners with every row; Owners read Badges with every row.</summary>
    private sealed class CompanionModel : IEntityModel
    {
        public CompanionModel()
        {
            var shot = typeof(ShotRow);
            var owner = typeof(OwnerRow);
            Badges = TableModel.ForName(Database, null, "Badges");
            Owners = new TableModel(
                Database,
                null,
                "Owners",
                owner,
                [new ColumnModel(owner.GetProperty(nameof(OwnerRow.Id))!, "Id", true, StringMatching.Ordinal), new ColumnModel(owner.GetProperty(nameof(OwnerRow.Name))!, "Name", false, StringMatching.Ordinal)],
                [])
            {
                CompanionTables = [Badges],
            };
            Shots = new TableModel(
                Database,
                null,
                "Shots",
                shot,
                [new ColumnModel(shot.GetProperty(nameof(ShotRow.Id))!, "Id", true, StringMatching.Ordinal), new ColumnModel(shot.GetProperty(nameof(ShotRow.OwnerId))!, "OwnerId", false, StringMatching.Ordinal)],
                [new AssociationModel(shot.GetProperty(nameof(ShotRow.Owner))!, owner, false, [shot.GetProperty(nameof(ShotRow.OwnerId))!], [owner.GetProperty(nameof(OwnerRow.Id))!])])
            {
                CompanionTables = [Owners],
            };
            Fingerprint = System.IO.Hashing.XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(Database));
        }

        public TableModel Shots { get; }

        public TableModel Owners { get; }

        public TableModel Badges { get; }

        public string Database => CompanionTableTests.Database;

        public UInt128 Fingerprint { get; }

        public TableModel? GetTable(Type entityType) =>
            entityType == typeof(ShotRow) ? Shots : entityType == typeof(OwnerRow) ? Owners : null;

        public TableModel? GetTable(Type entityType, string? schema, string name) => null;
    }
}

using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Tests.Invalidation;

/// <summary>
/// A navigation (or a loaded path) whose target type has no table model: the query reads a table the analysis cannot
/// name, so it must run uncached. It used to be cached with the source table's dependencies only, and a write to the
/// target's table (reported by name, as SQL-text writes are) left the cached answer stale.
/// </summary>
public sealed class UnmodelledTargetTests
{
    private const string Database = "unmodelled";

    [Fact]
    public void NavigationPredicate_TargetWithoutTable_IsRefusedNotCachedWithoutIt()
    {
        using var fixture = new Fixture();

        var e = fixture.Shots.Cache().Where(s => s.Owner.Name == "ann").Explain();

        Assert.Equal(CacheDecision.Refused, e.Decision);
        Assert.StartsWith("unknown table: ", e.Reason, StringComparison.Ordinal);
        Assert.Contains("OwnerRow", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NavigationProjection_TargetWithoutTable_IsRefused()
    {
        using var fixture = new Fixture();

        var e = fixture.Shots.Cache().Where(s => s.Id == 1).Select(s => new { s.Id, s.Owner }).Explain();

        Assert.Equal(CacheDecision.Refused, e.Decision);
        Assert.StartsWith("unknown table: ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadedPath_TargetWithoutTable_IsRefused()
    {
        using var fixture = new Fixture();

        var e = fixture.Shots.Cache().Load(s => s.Owner).Where(s => s.Id == 1).Explain();

        Assert.Equal(CacheDecision.Refused, e.Decision);
        Assert.StartsWith("unknown table: ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadedPath_FromAnUnknownRow_IsRefused()
    {
        using var fixture = new Fixture();

        // The path's parameter is an owner (no table) and the source's rows are not owners: nothing says what it loads.
        var e = fixture.Shots.Cache().LoadFrom((OwnerRow o) => o.Best).Where(s => s.Id == 1).Explain();

        Assert.Equal(CacheDecision.Refused, e.Decision);
        Assert.StartsWith("unknown table: ", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NavigationToModelledTarget_StillCachedWithBothTables()
    {
        using var fixture = new Fixture(ownerModelled: true);

        var e = fixture.Shots.Cache().Where(s => s.Owner.Name == "ann").Explain();

        Assert.True(e.IsCacheable);
        Assert.Contains("Owners", e.Tables);
        Assert.Contains("Shots", e.Tables);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteToTheTargetTable_NeverLeavesAStaleAnswer(bool ownerModelled)
    {
        using var fixture = new Fixture(ownerModelled);
        Func<IQueryable<ShotRow>, List<int>> query = q => q.Cache().Where(s => s.Owner.Name == "ann").Select(s => s.Id).ToList();

        Assert.Equal([1], query(fixture.Shots));
        Assert.Equal([1], query(fixture.Shots));

        // An UPDATE owners SET name = 'ann' WHERE id = 2, reported as a table write by name (as SQL-text writes are).
        fixture.Owners[1].Name = "ann";
        var commit = fixture.Cache.BeginCommit([]);
        commit.Complete([WriteRecord.ForTable(TableModel.ForName(Database, null, "Owners"))]);

        Assert.Equal([1, 2], query(fixture.Shots));
        Assert.Equal(ownerModelled ? 1 : 0, fixture.Cache.Statistics.Hits);
    }

    public sealed class OwnerRow
    {
        public int Id { get; set; }

        public string Name { get; set; } = "";

        public ShotRow? Best { get; set; }
    }

    public sealed class ShotRow
    {
        public int Id { get; set; }

        public int OwnerId { get; set; }

        public OwnerRow Owner { get; set; } = null!;
    }

    private sealed class Fixture : IDisposable
    {
        public Fixture(bool ownerModelled = false)
        {
            Cache = new QueryCache(new QueryCacheOptions());
            Owners = [new OwnerRow { Id = 1, Name = "ann" }, new OwnerRow { Id = 2, Name = "bob" }];
            var shots = new List<ShotRow>
            {
                new() { Id = 1, OwnerId = 1, Owner = Owners[0] },
                new() { Id = 2, OwnerId = 2, Owner = Owners[1] },
            };
            var raw = shots.AsQueryable();
            var context = new CacheBotQueryContext(Cache, raw.Provider, new Model(ownerModelled), new LoadDialect());
            Shots = context.CreateQueryable<ShotRow>(raw.Expression);
        }

        public QueryCache Cache { get; }

        public List<OwnerRow> Owners { get; }

        public IQueryable<ShotRow> Shots { get; }

        public void Dispose() => Cache.Dispose();
    }

    /// <summary>Shots map to a table with an Owner navigation; owners have a table only when <c>ownerModelled</c>.</summary>
    private sealed class Model : IEntityModel
    {
        private readonly TableModel _shots;
        private readonly TableModel? _owners;

        public Model(bool ownerModelled)
        {
            var shot = typeof(ShotRow);
            var owner = typeof(OwnerRow);
            _shots = new TableModel(
                Database,
                null,
                "Shots",
                shot,
                [new ColumnModel(shot.GetProperty(nameof(ShotRow.Id))!, "Id", true, StringMatching.Ordinal), new ColumnModel(shot.GetProperty(nameof(ShotRow.OwnerId))!, "OwnerId", false, StringMatching.Ordinal)],
                [new AssociationModel(shot.GetProperty(nameof(ShotRow.Owner))!, owner, false, [shot.GetProperty(nameof(ShotRow.OwnerId))!], [owner.GetProperty(nameof(OwnerRow.Id))!])]);
            _owners = ownerModelled
                ? new TableModel(
                    Database,
                    null,
                    "Owners",
                    owner,
                    [new ColumnModel(owner.GetProperty(nameof(OwnerRow.Id))!, "Id", true, StringMatching.Ordinal), new ColumnModel(owner.GetProperty(nameof(OwnerRow.Name))!, "Name", false, StringMatching.Ordinal)],
                    [])
                : null;
            Fingerprint = System.IO.Hashing.XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(Database + ownerModelled));
        }

        public string Database => UnmodelledTargetTests.Database;

        public UInt128 Fingerprint { get; }

        public TableModel? GetTable(Type entityType) =>
            entityType == typeof(ShotRow) ? _shots : entityType == typeof(OwnerRow) ? _owners : null;

        public TableModel? GetTable(Type entityType, string? schema, string name) => null;
    }

    /// <summary>Knows the <see cref="LoadExtensions"/> methods as loaded paths; everything else is plain LINQ.</summary>
    private sealed class LoadDialect : IQueryDialect
    {
        public bool TryGetTableRoot(Expression node, IEntityModel model, out TableModel? table)
        {
            table = null;
            return false;
        }

        public ChainMethodKind ClassifyChainMethod(MethodInfo method) =>
            method.DeclaringType == typeof(LoadExtensions) ? ChainMethodKind.LoadWith : ChainMethodKind.Unknown;

        public bool IsTranslatedDeterministic(MethodInfo method) => false;

        public bool IsNonDeterministic(MemberInfo member) => false;
    }
}

/// <summary>A provider's load operator (like linq2db's <c>LoadWith</c> or EF Core's <c>Include</c>); only explained here, never run.</summary>
internal static class LoadExtensions
{
    public static IQueryable<T> Load<T, TProperty>(this IQueryable<T> source, Expression<Func<T, TProperty>> path) =>
        source.Provider.CreateQuery<T>(Expression.Call(
            ((Func<IQueryable<T>, Expression<Func<T, TProperty>>, IQueryable<T>>)Load).Method,
            source.Expression,
            Expression.Quote(path)));

    public static IQueryable<T> LoadFrom<T, TOther, TProperty>(this IQueryable<T> source, Expression<Func<TOther, TProperty>> path) =>
        source.Provider.CreateQuery<T>(Expression.Call(
            ((Func<IQueryable<T>, Expression<Func<TOther, TProperty>>, IQueryable<T>>)LoadFrom).Method,
            source.Expression,
            Expression.Quote(path)));
}

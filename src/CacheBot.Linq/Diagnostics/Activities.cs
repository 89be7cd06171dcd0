using System.Diagnostics;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq.Diagnostics;

/// <summary>
/// CacheBot's <see cref="ActivitySource"/> (<see cref="CacheBotDiagnostics.ActivitySourceName"/>) and its activities:
/// <see cref="QueryName"/> per query that asked to be cached (hit, miss or bypass), <see cref="InnerQueryName"/> as its child
/// when the inner provider runs, and <see cref="WritesName"/> per applied write batch.
/// </summary>
/// <remarks>
/// Zero cost without a listener: every start checks <see cref="ActivitySource.HasListeners"/> first (a field read), and
/// tags are added only when <see cref="Activity.IsAllDataRequested"/>. Tags never carry values: the shape text has
/// parameters in their place, and table names are mapping names.
/// </remarks>
internal static class Activities
{
    public const string QueryName = "cachebot.query";
    public const string InnerQueryName = "cachebot.query.inner";
    public const string WritesName = "cachebot.writes.apply";

    public const string CacheNameTag = "cachebot.cache.name";
    public const string ResultTag = "cachebot.request.result";
    public const string ShapeTag = "cachebot.query.shape";
    public const string ReasonTag = "cachebot.refusal.reason";
    public const string WriteCountTag = "cachebot.writes.count";
    public const string TablesTag = "cachebot.tables";

    private const int MaxTablesInTag = 8;

    public static readonly ActivitySource Source = new(
        CacheBotDiagnostics.ActivitySourceName, typeof(Activities).Assembly.GetName().Version?.ToString());

    /// <summary>Gets a value indicating whether anything listens to CacheBot's activities (a field read).</summary>
    public static bool HasListeners => Source.HasListeners();

    /// <summary>Starts the activity of a cached query, or returns <see langword="null"/> without a listener.</summary>
    public static Activity? StartQuery(QueryCache cache)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(QueryName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(CacheNameTag, cache.Options.CacheName);
        }

        return activity;
    }

    /// <summary>Starts the child activity around the inner query, or returns <see langword="null"/>.</summary>
    public static Activity? StartInner(Activity? parent) =>
        parent is null || !Source.HasListeners() ? null : Source.StartActivity(InnerQueryName, ActivityKind.Internal);

    /// <summary>Sets the outcome tags and stops the query activity.</summary>
    public static void StopQuery(Activity activity, QueryResultKind result, string? shape, string? reason)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(ResultTag, result switch
            {
                QueryResultKind.Hit => "hit",
                QueryResultKind.Miss => "miss",
                _ => "bypass",
            });
            if (shape is not null)
            {
                activity.SetTag(ShapeTag, shape);
            }

            if (reason is not null)
            {
                activity.SetTag(ReasonTag, reason);
            }
        }

        activity.Stop();
    }

    /// <summary>Starts the activity of an applied write batch, or returns <see langword="null"/> without a listener.</summary>
    public static Activity? StartWrites(QueryCache cache, IReadOnlyList<WriteRecord> writes)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(WritesName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(CacheNameTag, cache.Options.CacheName);
            activity.SetTag(WriteCountTag, writes.Count);
            var tables = new List<string>(Math.Min(writes.Count, MaxTablesInTag));
            foreach (var write in writes)
            {
                var name = write.Table.QualifiedName;
                if (!tables.Contains(name))
                {
                    if (tables.Count == MaxTablesInTag)
                    {
                        tables.Add("...");
                        break;
                    }

                    tables.Add(name);
                }
            }

            activity.SetTag(TablesTag, string.Join(",", tables));
        }

        return activity;
    }
}

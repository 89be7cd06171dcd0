using System.Linq.Expressions;

namespace CacheBot.Linq2Db.Querying;

/// <summary>
/// The scalar members of linq2db's adapter. linq2db asks the adapter for these only when the query's provider is not an
/// <c>IQueryProviderAsync</c>, which CacheBot's always is: they pass through to the previous adapter, or to linq2db's
/// default (<c>Task.Run</c> over the synchronous <see cref="Queryable"/> operator).
/// </summary>
internal sealed partial class CacheBotExtensionsAdapter
{
    public Task<TSource> FirstAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.FirstAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.First(source), token);

    public Task<TSource> FirstAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken token) =>
        _previous?.FirstAsync<TSource>(source, predicate, token)
        ?? Task.Run(() => Queryable.First(source, predicate), token);

    public Task<TSource?> FirstOrDefaultAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.FirstOrDefaultAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.FirstOrDefault(source), token);

    public Task<TSource?> FirstOrDefaultAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken token) =>
        _previous?.FirstOrDefaultAsync<TSource>(source, predicate, token)
        ?? Task.Run(() => Queryable.FirstOrDefault(source, predicate), token);

    public Task<TSource> SingleAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.SingleAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.Single(source), token);

    public Task<TSource> SingleAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken token) =>
        _previous?.SingleAsync<TSource>(source, predicate, token)
        ?? Task.Run(() => Queryable.Single(source, predicate), token);

    public Task<TSource?> SingleOrDefaultAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.SingleOrDefaultAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.SingleOrDefault(source), token);

    public Task<TSource?> SingleOrDefaultAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken token) =>
        _previous?.SingleOrDefaultAsync<TSource>(source, predicate, token)
        ?? Task.Run(() => Queryable.SingleOrDefault(source, predicate), token);

    public Task<bool> ContainsAsync<TSource>(IQueryable<TSource> source, TSource item, CancellationToken token) =>
        _previous?.ContainsAsync<TSource>(source, item, token)
        ?? Task.Run(() => Queryable.Contains(source, item), token);

    public Task<bool> AnyAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.AnyAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.Any(source), token);

    public Task<bool> AnyAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken token) =>
        _previous?.AnyAsync<TSource>(source, predicate, token)
        ?? Task.Run(() => Queryable.Any(source, predicate), token);

    public Task<bool> AllAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken token) =>
        _previous?.AllAsync<TSource>(source, predicate, token)
        ?? Task.Run(() => Queryable.All(source, predicate), token);

    public Task<int> CountAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.CountAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.Count(source), token);

    public Task<int> CountAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken token) =>
        _previous?.CountAsync<TSource>(source, predicate, token)
        ?? Task.Run(() => Queryable.Count(source, predicate), token);

    public Task<long> LongCountAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.LongCountAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.LongCount(source), token);

    public Task<long> LongCountAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, bool>> predicate, CancellationToken token) =>
        _previous?.LongCountAsync<TSource>(source, predicate, token)
        ?? Task.Run(() => Queryable.LongCount(source, predicate), token);

    public Task<TSource?> MinAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.MinAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.Min(source), token);

    public Task<TResult?> MinAsync<TSource, TResult>(IQueryable<TSource> source, Expression<Func<TSource, TResult>> selector, CancellationToken token) =>
        _previous?.MinAsync<TSource, TResult>(source, selector, token)
        ?? Task.Run(() => Queryable.Min(source, selector), token);

    public Task<TSource?> MaxAsync<TSource>(IQueryable<TSource> source, CancellationToken token) =>
        _previous?.MaxAsync<TSource>(source, token)
        ?? Task.Run(() => Queryable.Max(source), token);

    public Task<TResult?> MaxAsync<TSource, TResult>(IQueryable<TSource> source, Expression<Func<TSource, TResult>> selector, CancellationToken token) =>
        _previous?.MaxAsync<TSource, TResult>(source, selector, token)
        ?? Task.Run(() => Queryable.Max(source, selector), token);

    public Task<int> SumAsync(IQueryable<int> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<int?> SumAsync(IQueryable<int?> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<long> SumAsync(IQueryable<long> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<long?> SumAsync(IQueryable<long?> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<float> SumAsync(IQueryable<float> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<float?> SumAsync(IQueryable<float?> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<double> SumAsync(IQueryable<double> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<double?> SumAsync(IQueryable<double?> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<decimal> SumAsync(IQueryable<decimal> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<decimal?> SumAsync(IQueryable<decimal?> source, CancellationToken token) =>
        _previous?.SumAsync(source, token)
        ?? Task.Run(() => Queryable.Sum(source), token);

    public Task<int> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, int>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<int?> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, int?>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<long> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, long>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<long?> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, long?>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<float> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, float>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<float?> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, float?>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<double> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, double>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<double?> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, double?>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<decimal> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, decimal>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<decimal?> SumAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, decimal?>> selector, CancellationToken token) =>
        _previous?.SumAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Sum(source, selector), token);

    public Task<double> AverageAsync(IQueryable<int> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<double?> AverageAsync(IQueryable<int?> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<double> AverageAsync(IQueryable<long> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<double?> AverageAsync(IQueryable<long?> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<float> AverageAsync(IQueryable<float> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<float?> AverageAsync(IQueryable<float?> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<double> AverageAsync(IQueryable<double> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<double?> AverageAsync(IQueryable<double?> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<decimal> AverageAsync(IQueryable<decimal> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<decimal?> AverageAsync(IQueryable<decimal?> source, CancellationToken token) =>
        _previous?.AverageAsync(source, token)
        ?? Task.Run(() => Queryable.Average(source), token);

    public Task<double> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, int>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<double?> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, int?>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<double> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, long>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<double?> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, long?>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<float> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, float>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<float?> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, float?>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<double> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, double>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<double?> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, double?>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<decimal> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, decimal>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);

    public Task<decimal?> AverageAsync<TSource>(IQueryable<TSource> source, Expression<Func<TSource, decimal?>> selector, CancellationToken token) =>
        _previous?.AverageAsync<TSource>(source, selector, token)
        ?? Task.Run(() => Queryable.Average(source, selector), token);
}

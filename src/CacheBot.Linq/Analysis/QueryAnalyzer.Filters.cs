namespace CacheBot.Linq.Analysis;

/// <summary>Provider query filters (linq2db <c>HasQueryFilter</c>): predicates the provider adds to every read of a table.</summary>
internal sealed partial class QueryAnalyzer
{
    /// <summary>
    /// Walks the query filters of every table occurrence, with the filter's row bound to that occurrence: the tables a filter
    /// reads (subqueries, navigations) become dependencies and a non-deterministic filter refuses the query. Filters narrow
    /// nothing (they only ever remove rows, so ignoring them is sound; <c>IgnoreFilters()</c> therefore needs no handling
    /// here), and the values they read outside the row are in the key (the integration's key policy appends them).
    /// </summary>
    /// <remarks>
    /// Occurrences found by the query get their filters walked each; occurrences created by walking a filter (a filter
    /// that reads another filtered table) are unconstrained, so one walk per table is enough, which also bounds filters that
    /// read each other.
    /// </remarks>
    private void ExpandQueryFilters()
    {
        if (_dialect is null)
        {
            return;
        }

        var queryOccurrences = _occurrences.Count;
        HashSet<Providers.TableModel>? expanded = null;
        for (var i = 0; i < _occurrences.Count && _refusal == RefusalReason.None; i++)
        {
            var occurrence = _occurrences[i];
            var filters = _dialect.GetQueryFilters(occurrence.Table, _model);
            if (filters.Count == 0 || (i >= queryOccurrences && !(expanded ??= []).Add(occurrence.Table)))
            {
                continue;
            }

            foreach (var filter in filters)
            {
                Env? env = null;
                for (var p = filter.Parameters.Count - 1; p >= 1; p--)
                {
                    env = new Env(filter.Parameters[p], Binding.Unknown, env);
                }

                if (filter.Parameters.Count > 0)
                {
                    env = new Env(filter.Parameters[0], new RowBinding(occurrence), env);
                }

                Walk(filter.Body, env, NewScope());
            }
        }
    }
}

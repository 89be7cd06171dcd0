using System.Collections.Frozen;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using CacheBot.Linq.Providers;
using LinqToDB;
using LinqToDB.Mapping;

namespace CacheBot.Linq2Db.Model;

/// <summary>
/// The linq2db query filters (<c>HasQueryFilter</c>) of one entity model, expanded for CacheBot: per entity the filter
/// lambdas the analyser walks, and for the whole model the values those filters read outside the row (from the data context,
/// <c>(e, db) =&gt; e.TenantId == db.TenantId</c>, or from captured variables), which every key of the model holds.
/// </summary>
/// <remarks>
/// <para>Soundness: linq2db applies a filter wherever the entity is read (roots, joins, subqueries, navigations, LoadWith),
/// with the current data context. CacheBot keys every query of the model with the values all filters of the model read,
/// read through compiled accessors from the query's own data context; two contexts whose filter values differ (another
/// tenant) never share an entry. A filter is expanded only when it is a predicate lambda whose data-context parameter is used
/// only as the root of member chains (<c>db.TenantId</c>, <c>((MyDb)db).Tenant.Id</c>) or as the source of
/// <c>db.GetTable&lt;T&gt;()</c>; the function form (<c>(q, db) =&gt; q.Where(...)</c>) is opaque code and is never expanded.
/// An entity whose filters are not expanded, or that is not among the mapping's defined types (the set the keyed values are
/// taken from), is not cached: <see cref="CanCache"/> says so to the model.</para>
/// <para>Threading: one immutable catalog per model, built once.</para>
/// </remarks>
internal sealed class QueryFilterCatalog
{
    private static readonly ConditionalWeakTable<Linq2DbEntityModel, QueryFilterCatalog> Catalogs = new();

    private readonly FrozenDictionary<Type, LambdaExpression[]> _filters;
    private readonly KeyValueReader[] _readers;

    private QueryFilterCatalog(FrozenDictionary<Type, LambdaExpression[]> filters, KeyValueReader[] readers)
    {
        _filters = filters;
        _readers = readers;
    }

    /// <summary>Gets whether keys of this model hold filter values.</summary>
    public bool HasValues => _readers.Length > 0;

    /// <summary>Returns the catalog of <paramref name="model"/>, building it from <paramref name="mappingSchema"/> (the model's mapping) once.</summary>
    public static QueryFilterCatalog For(Linq2DbEntityModel model, MappingSchema mappingSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(mappingSchema);
        // The closure of the first call lives in its own method: the compiled-query hit path calls this and allocates nothing.
        return Catalogs.TryGetValue(model, out var catalog) ? catalog : BuildOnce(model, mappingSchema);
    }

    private static QueryFilterCatalog BuildOnce(Linq2DbEntityModel model, MappingSchema mappingSchema) =>
        Catalogs.GetValue(model, m => Build(m, mappingSchema));

    /// <summary>Returns the catalog of <paramref name="model"/> if it was built.</summary>
    public static QueryFilterCatalog? Find(Linq2DbEntityModel model) => Catalogs.TryGetValue(model, out var catalog) ? catalog : null;

    /// <summary>Returns whether queries reading <paramref name="descriptor"/>'s entity may be cached: it has no filter, or its filters are expanded and keyed.</summary>
    public bool CanCache(EntityDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return !HasFilters(descriptor) || _filters.ContainsKey(descriptor.ObjectType);
    }

    /// <summary>Returns the filter lambdas of <paramref name="entityType"/> (<c>(row, dataContext) =&gt; bool</c>), or none.</summary>
    public IReadOnlyList<LambdaExpression> GetFilters(Type entityType) => _filters.TryGetValue(entityType, out var filters) ? filters : [];

    /// <summary>Gets the readers of the values every filter of the model reads, from the data context and captured variables.</summary>
    public IReadOnlyList<KeyValueReader> Readers => _readers;

    private static bool HasFilters(EntityDescriptor descriptor) =>
        descriptor.QueryFilterLambda is not null || descriptor.QueryFilterFunc is not null || descriptor.QueryFilters.Count > 0;

    private static QueryFilterCatalog Build(Linq2DbEntityModel model, MappingSchema mappingSchema)
    {
        var filters = new Dictionary<Type, LambdaExpression[]>();
        var readers = new List<KeyValueReader>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in mappingSchema.GetDefinedTypes())
        {
            var descriptor = model.GetDescriptor(type);
            if (!HasFilters(descriptor) || !TryExpand(descriptor, out var lambdas))
            {
                continue;
            }

            var chains = new List<(Expression Chain, ParameterExpression? Root, string? Id)>();
            var valid = true;
            foreach (var lambda in lambdas)
            {
                valid &= FilterValueFinder.TryCollect(lambda, chains);
            }

            var typeReaders = new List<KeyValueReader>();
            foreach (var (chain, root, _) in chains)
            {
                if (KeyValueReader.TryCreate(chain, root) is { } reader)
                {
                    typeReaders.Add(reader);
                }
                else
                {
                    valid = false;
                }
            }

            if (!valid)
            {
                continue; // not expandable: the model refuses the entity
            }

            filters[type] = lambdas;
            for (var i = 0; i < chains.Count; i++)
            {
                // Chains from the data context with the same path are read once; captured variables are read each.
                if (chains[i].Id is not { } id || seen.Add(id))
                {
                    readers.Add(typeReaders[i]);
                }
            }
        }

        return new QueryFilterCatalog(filters.ToFrozenDictionary(), [.. readers]);
    }

    private static bool TryExpand(EntityDescriptor descriptor, out LambdaExpression[] lambdas)
    {
        var list = new List<LambdaExpression>();
        if (descriptor.QueryFilterFunc is not null)
        {
            lambdas = [];
            return false;
        }

        if (descriptor.QueryFilterLambda is { } single)
        {
            list.Add(single);
        }

        foreach (var filter in descriptor.QueryFilters)
        {
            if (filter.FilterFunc is not null || filter.FilterLambda is null)
            {
                lambdas = [];
                return false;
            }

            if (!list.Contains(filter.FilterLambda))
            {
                list.Add(filter.FilterLambda);
            }
        }

        lambdas = [.. list];
        return lambdas.Length > 0 && Array.TrueForAll(lambdas, static l => l.Parameters.Count is 1 or 2 && l.ReturnType == typeof(bool));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CacheBot.EntityFrameworkCore.Model;

/// <content>Which tables a query on an entity type reads, and which roots cannot be cached.</content>
internal sealed partial class EfEntityModel
{
    /// <summary>
    /// Every table (or view) a query rooted at <paramref name="type"/> may read: the store objects of the type and its derived
    /// types, of owned types (always loaded), the tables of auto-included navigations (transitively, with the join tables of
    /// auto-included many-to-many navigations), and, when a query filter of a read type reads other tables, every table of
    /// the model. The join table of a many-to-many navigation that is not auto-included is a dependency only of the queries
    /// that follow the navigation (<see cref="Linq.Providers.AssociationModel.ThroughTables"/>).
    /// </summary>
    private List<(string? Schema, string Name)> TablesReadBy(IEntityType type)
    {
        var result = new List<(string? Schema, string Name)>();
        var filterReadsTables = false;
        foreach (var derived in type.GetDerivedTypesInclusive())
        {
            AddStoreObjects(derived, result);
            filterReadsTables |= QueryFilterInspector.Inspect(derived).ReadsTables;
        }

        // Auto-included navigations (AutoInclude() in the model) load their targets with every query on the type, and
        // theirs in turn: those tables are read too. A query with IgnoreAutoIncludes() reads less; it still depends on them.
        var pending = new Queue<IEntityType>(type.GetDerivedTypesInclusive());
        var reached = new HashSet<IEntityType>(pending, ReferenceEqualityComparer.Instance);
        while (pending.TryDequeue(out var current))
        {
            foreach (var navigation in current.GetNavigations())
            {
                if (navigation.IsEagerLoaded)
                {
                    Reach(navigation.TargetEntityType);
                }
            }

            foreach (var skip in current.GetSkipNavigations())
            {
                if (skip.IsEagerLoaded)
                {
                    AddStoreObjects(skip.JoinEntityType, result);
                    Reach(skip.TargetEntityType);
                }
            }
        }

        if (filterReadsTables)
        {
            foreach (var any in EfModel.GetEntityTypes())
            {
                AddStoreObjects(any, result);
            }
        }

        return result;

        void Reach(IEntityType target)
        {
            foreach (var t in target.GetDerivedTypesInclusive())
            {
                if (reached.Add(t))
                {
                    AddStoreObjects(t, result);
                    filterReadsTables |= QueryFilterInspector.Inspect(t).ReadsTables;
                    pending.Enqueue(t);
                }
            }
        }
    }

    private static void AddStoreObjects(IEntityType type, List<(string? Schema, string Name)> result)
    {
        var found = false;
        foreach (var mapping in type.GetViewMappings())
        {
            Add(result, mapping.View.Schema, mapping.View.Name);
            found = true;
        }

        if (!found)
        {
            foreach (var mapping in type.GetTableMappings())
            {
                Add(result, mapping.Table.Schema, mapping.Table.Name);
            }
        }

        foreach (var navigation in type.GetDeclaredNavigations())
        {
            if (navigation.TargetEntityType.IsOwned() && !ReferenceEquals(navigation.TargetEntityType, type))
            {
                AddStoreObjects(navigation.TargetEntityType, result);
            }
        }

        static void Add(List<(string? Schema, string Name)> result, string? schema, string name)
        {
            if (!result.Contains((schema, name)))
            {
                result.Add((schema, name));
            }
        }
    }

    /// <summary>
    /// A root is refused when navigations from it (transitively, through owned types too) reach a type that has no table
    /// model (mapped to SQL or a function, a property bag) or whose query filter reads the DbContext.
    /// </summary>
    private bool ComputeRefused(IEntityType root)
    {
        var seen = new HashSet<IEntityType>(ReferenceEqualityComparer.Instance);
        var queue = new Queue<IEntityType>();
        foreach (var type in root.GetDerivedTypesInclusive())
        {
            queue.Enqueue(type);
        }

        while (queue.Count > 0)
        {
            var type = queue.Dequeue();
            if (!seen.Add(type))
            {
                continue;
            }

            if (!type.IsOwned() && GetTable(type) is null)
            {
                return true;
            }

            if (QueryFilterInspector.Inspect(type).ReadsContext)
            {
                return true;
            }

            foreach (var navigation in type.GetNavigations())
            {
                EnqueueHierarchy(navigation.TargetEntityType, queue);
            }

            foreach (var skip in type.GetSkipNavigations())
            {
                EnqueueHierarchy(skip.TargetEntityType, queue);
            }
        }

        return false;

        static void EnqueueHierarchy(IEntityType type, Queue<IEntityType> queue)
        {
            foreach (var t in type.GetDerivedTypesInclusive())
            {
                queue.Enqueue(t);
            }
        }
    }
}

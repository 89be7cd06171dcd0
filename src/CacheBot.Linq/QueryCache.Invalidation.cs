using CacheBot.Linq.Diagnostics;
using CacheBot.Linq.Invalidation;
using CacheBot.Linq.Model;
using CacheBot.Linq.Providers;

namespace CacheBot.Linq;

/// <summary>The write side: Notify/Invalidate methods and write scopes.</summary>
public sealed partial class QueryCache
{
    /// <summary>Reports that <paramref name="entity"/> was inserted (after your commit, or inside a <see cref="CacheWriteScope"/>).</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="entity">The new row.</param>
    /// <param name="database">The logical database (as given to <c>AsCacheBot</c>); defaults to <c>"default"</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entity"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an entity type.</exception>
    public void NotifyInserted<T>(T entity, string? database = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        ApplyWrite(WriteRecord.ForRows(RequireTable(typeof(T), database), null, entity));
    }

    /// <summary>Reports that a row changed from <paramref name="before"/> to <paramref name="after"/>.</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="before">The row as it was (queries matching the old values are invalidated).</param>
    /// <param name="after">The row as it is now (queries matching the new values are invalidated).</param>
    /// <param name="database">The logical database; defaults to <c>"default"</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="before"/> or <paramref name="after"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an entity type.</exception>
    public void NotifyUpdated<T>(T before, T after, string? database = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ApplyWrite(WriteRecord.ForRows(RequireTable(typeof(T), database), before, after));
    }

    /// <summary>Reports that <paramref name="entity"/> was deleted.</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="entity">The deleted row.</param>
    /// <param name="database">The logical database; defaults to <c>"default"</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entity"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an entity type.</exception>
    public void NotifyDeleted<T>(T entity, string? database = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        ApplyWrite(WriteRecord.ForRows(RequireTable(typeof(T), database), entity, null));
    }

    /// <summary>
    /// Invalidates every cached result that depends on <paramref name="entity"/>'s row, like django-cachebot's
    /// <c>invalidate_object</c> (use it after a change CacheBot cannot see, e.g. a many-to-many link table).
    /// </summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="entity">The row, with its current values.</param>
    /// <param name="database">The logical database; defaults to <c>"default"</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="entity"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an entity type.</exception>
    public void Invalidate<T>(T entity, string? database = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        ApplyWrite(WriteRecord.ForRows(RequireTable(typeof(T), database), entity, entity));
    }

    /// <summary>Reports a change to unknown rows of <typeparamref name="T"/>'s table: every result on that table is invalidated.</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="database">The logical database; defaults to <c>"default"</c>.</param>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an entity type.</exception>
    public void NotifyTableChanged<T>(string? database = null) where T : class =>
        ApplyWrite(WriteRecord.ForTable(RequireTable(typeof(T), database)));

    /// <summary>Reports a change to unknown rows of the table named <paramref name="table"/> (mapped name, optionally <c>schema.name</c>).</summary>
    /// <param name="table">The table name.</param>
    /// <param name="database">The logical database; defaults to <c>"default"</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="table"/> is empty.</exception>
    public void NotifyTableChanged(string table, string? database = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        var dot = table.LastIndexOf('.');
        var name = dot < 0 ? table : table[(dot + 1)..];
        var schema = dot < 0 ? null : table[..dot];
        ApplyWrite(WriteRecord.ForTable(TableModel.ForName(database ?? "default", schema, name)));
    }

    /// <summary>Invalidates every cached result on <typeparamref name="T"/>'s table (same as <see cref="NotifyTableChanged{T}(string?)"/>).</summary>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <param name="database">The logical database; defaults to <c>"default"</c>.</param>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an entity type.</exception>
    public void InvalidateTable<T>(string? database = null) where T : class => NotifyTableChanged<T>(database);

    /// <summary>Invalidates every cached result of this cache, in O(1). Not deferred by write scopes.</summary>
    public void InvalidateAll()
    {
        if (Coordinator is null)
        {
            Engine.InvalidateAll();
            return;
        }

        ApplyReported([WriteRecord.ForEverything()]);
    }

    /// <summary>Opens a write scope on the current async flow; see <see cref="CacheWriteScope"/>.</summary>
    /// <returns>The scope; call <see cref="CacheWriteScope.Complete"/> after committing, then dispose it.</returns>
    public CacheWriteScope BeginWriteScope()
    {
        var scope = new CacheWriteScope(this, _scope.Value);
        _scope.Value = scope;
        return scope;
    }

    internal void EndScope(CacheWriteScope scope, List<WriteRecord> writes, bool completed)
    {
        if (ReferenceEquals(_scope.Value, scope))
        {
            _scope.Value = scope.Parent;
        }

        if (scope.Parent is { } parent)
        {
            parent.AddRange(writes);
        }
        else if (completed)
        {
            ApplyReported(writes);
        }
        else if (writes.Count > 0)
        {
            Log.WritesDiscarded(Logger, writes.Count);
        }
    }

    /// <summary>Applies a write now, or records it in the open write scope.</summary>
    internal void ApplyWrite(in WriteRecord write)
    {
        if (_scope.Value is { } scope)
        {
            scope.Add(write);
            return;
        }

        ApplyReported([write]);
    }

    internal TableModel RequireTable(Type type, string? database) =>
        GetClrModel(database ?? "default").GetTable(type)
        ?? throw new ArgumentException($"{type.Name} is not an entity type CacheBot can map (a class with public properties).", nameof(type));
}

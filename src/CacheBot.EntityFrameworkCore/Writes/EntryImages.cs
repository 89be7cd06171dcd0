using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.Linq.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// One entry of a save and the row images it writes, per table the entity maps to (TPT and entity splitting write several):
/// column name to model value, read from the change tracker (the old image before the save, the new one after it, when
/// store-generated values are known).
/// </summary>
/// <remarks>
/// Soundness: the change tracker's original values are database values only for entities it tracked from a query (or
/// inserted itself); for an entity attached by user code (<c>Attach</c>, <c>Update</c>, <c>Remove</c> of a detached or stub
/// object) the old image holds the key only and the new image the key and the modified properties. A column missing from an
/// image turns the write into a table write for every scheme that uses it, so unknown values cost precision, never
/// correctness.
/// </remarks>
internal sealed class EntryImages
{
    private readonly EntityEntry _entry;
    private readonly bool _trusted;
    private readonly List<(ITable Table, RowValues? Old)> _tables = [];

    private EntryImages(EntityEntry entry, EntityState state, bool trusted)
    {
        _entry = entry;
        State = state;
        _trusted = trusted;
    }

    public EntityState State { get; }

    public IEnumerable<ITable> Tables
    {
        get
        {
            foreach (var (table, _) in _tables)
            {
                yield return table;
            }
        }
    }

    /// <summary>Captures an entry before the save (its old images).</summary>
    public static EntryImages Capture(EntityEntry entry, CacheBotContextState state)
    {
        var images = new EntryImages(entry, entry.State, state.IsFromDatabase(entry.Entity));
        foreach (var mapping in entry.Metadata.GetTableMappings())
        {
            images._tables.Add((mapping.Table, images.State == EntityState.Added ? null : images.Read(mapping, original: true)));
        }

        return images;
    }

    /// <summary>Adds the writes of this entry after the save, and the database's cascades of a delete.</summary>
    public void AddWrites(CacheBotContextState state, List<WriteRecord> writes)
    {
        var mappings = _entry.Metadata.GetTableMappings().ToList();
        for (var i = 0; i < _tables.Count; i++)
        {
            var (table, old) = _tables[i];
            var model = state.Model.TableNamed(table.Schema, table.Name);
            var current = State == EntityState.Deleted ? null : Read(mappings[i], original: false);
            writes.Add(WriteRecord.ForImages(model, old, current));
            if (State == EntityState.Deleted && old is not null)
            {
                Cascades.AddForDeletedRow(state.Model, table, old, writes);
            }
        }

        if (State == EntityState.Added)
        {
            // EF wrote every column and read the generated ones back: its values are now the database's.
            state.MarkFromDatabase(_entry.Entity);
        }
    }

    private RowValues Read(ITableMapping mapping, bool original)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in mapping.ColumnMappings)
        {
            var property = column.Property;
            try
            {
                var known = _trusted || property.IsPrimaryKey() || State == EntityState.Added
                    || (!original && property.DeclaringType is IEntityType && _entry.Property(property.Name).IsModified);
                if (known)
                {
                    values[column.Column.Name] = original ? _entry.OriginalValues[property] : _entry.CurrentValues[property];
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidCastException)
            {
                // A value the change tracker cannot give (a complex or JSON-mapped property): unknown, which only costs precision.
            }
        }

        return RowValues.FromDictionary(values);
    }
}

using CacheBot.EntityFrameworkCore.Infrastructure;
using CacheBot.EntityFrameworkCore.Model;
using CacheBot.Linq.Providers;
using CacheBot.Linq.Providers.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace CacheBot.EntityFrameworkCore.Writes;

/// <summary>
/// What the database does beyond a batch of writes that only its catalog tells (<see cref="StoreFacts"/>): a write to a
/// table with a trigger writes the tables the trigger's body writes (SQLite) or the whole database (a PostgreSQL trigger
/// function or rule, a body that cannot be read); a write to a view writes the whole database; a delete of a parent row, or an update of its
/// referenced columns, changes the child rows of every foreign key whose action the database takes and the model does not
/// already follow (<see cref="Cascades"/> follows the model's own delete actions, row by row); a write of rows of a SQLite
/// table with an <c>ON CONFLICT REPLACE</c> constraint may delete the rows it conflicts with (a table write).
/// </summary>
/// <remarks>
/// Rows changed by the database (a trigger's targets, a foreign key's children) are unknown rows: a table write, followed
/// in turn (cascades of cascades, triggers of targets). An update whose images show the referenced columns unchanged changes no child.
/// </remarks>
internal static class CatalogConsequences
{
    /// <summary>Adds to <paramref name="writes"/> what the database does beyond them.</summary>
    public static void Add(CacheBotContextState state, List<WriteRecord> writes)
    {
        var facts = state.Model.Facts;
        var reported = writes.Count;
        var followed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (write.IsDatabaseWrite || write.Kind == WriteKind.Everything)
            {
                return;
            }

            if (facts.WritesBeyond(write.Table.Name))
            {
                writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
                return;
            }

            var events = Events(write);
            foreach (var trigger in facts.TriggersOn(write.Table.Name))
            {
                if ((trigger.Events & events) == 0)
                {
                    continue;
                }

                if (trigger.Targets is null)
                {
                    writes.Add(WriteRecord.ForDatabase(state.DatabaseId));
                    return;
                }

                foreach (var target in trigger.Targets)
                {
                    if (followed.Add(target.Name))
                    {
                        writes.AddRange(ModelTables(state, target.Name).Select(WriteRecord.ForTable));
                    }
                }
            }

            if (!write.IsTableWrite && facts.ReplacesOnConflict(write.Table.Name))
            {
                // ON CONFLICT REPLACE: the statement may have deleted rows it conflicted with (unknown rows of the table).
                writes.Add(WriteRecord.ForTable(write.Table));
            }

            var (deletes, updates) = ((events & WriteEvents.Delete) != 0, (events & WriteEvents.Update) != 0);
            foreach (var action in facts.ActionsOf(write.Table.Name))
            {
                var original = i < reported;
                var onDelete = deletes && ForeignKeyAction.Changes(action.OnDelete) && !(original && ModelFollows(state, action));
                var onUpdate = updates && ForeignKeyAction.Changes(action.OnUpdate) && KeyMayChange(write, action);
                if ((onDelete || onUpdate) && followed.Add(action.Child))
                {
                    writes.AddRange(ModelTables(state, action.Child).Select(WriteRecord.ForTable));
                }
            }
        }
    }

    /// <summary>What the write may do to rows: insert (images without an old row), delete, update; anything for a table write.</summary>
    private static WriteEvents Events(WriteRecord write)
    {
        if (write.IsTableWrite || write.OldRow is not RowValues && write.NewRow is not RowValues)
        {
            return WriteEvents.All;
        }

        if (write.OldRow is null)
        {
            return WriteEvents.Insert;
        }

        if (write.OldRow is not RowValues)
        {
            return WriteEvents.All;
        }

        return write.NewRow is null ? WriteEvents.Delete : WriteEvents.Update;
    }

    /// <summary>Whether an update may change the columns <paramref name="action"/> references (unknown columns or images: yes).</summary>
    private static bool KeyMayChange(WriteRecord write, ForeignKeyAction action)
    {
        if (write.IsTableWrite || action.ParentColumns is null || write.OldRow is not RowValues old || write.NewRow is not RowValues current)
        {
            return true;
        }

        foreach (var column in action.ParentColumns)
        {
            if (!old.TryGet(column, out var before) || !current.TryGet(column, out var after) || !Equals(before, after))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the model declares the same delete action from the child to the parent (then <see cref="Cascades"/> follows it).</summary>
    private static bool ModelFollows(CacheBotContextState state, ForeignKeyAction action)
    {
        // One model table of that name, or none is assumed (several: more invalidation, never less).
        if (CommandWrites.FindTable(state, new SqlTableName(null, action.Parent)) is not { } parent)
        {
            return false;
        }

        foreach (var constraint in parent.ReferencingForeignKeyConstraints)
        {
            if (string.Equals(constraint.Table.Name, action.Child, StringComparison.OrdinalIgnoreCase) && constraint.OnDeleteAction == action.OnDelete)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The model's tables of <paramref name="name"/> (every schema: a name the catalog gives without one may be any of them),
    /// or the bare name when the model has none.
    /// </summary>
    private static IEnumerable<TableModel> ModelTables(CacheBotContextState state, string name)
    {
        var found = false;
        foreach (var table in state.Model.EfModel.GetRelationalModel().Tables)
        {
            if (string.Equals(table.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                found = true;
                yield return state.Model.TableNamed(table.Schema, table.Name);
            }
        }

        if (!found)
        {
            yield return state.Model.TableNamed(null, name);
        }
    }
}
